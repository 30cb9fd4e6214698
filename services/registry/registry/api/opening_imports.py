"""`openings:import` (JobTech JobStream, Jobnet ads → openings) and the schema.org JobPosting JSON-LD export."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse

from registry.api.common import BATCH_ERRORS, page_of
from registry.api.deps import (
    CodeBookDep,
    CursorCodecDep,
    OccupationMapDep,
    OpeningsWriter,
    PageParamsDep,
    RegistryReader,
    SessionDep,
)
from registry.schemas.jobpostings import JSON_LD, ImportRequest, JobPosting, JobPostingList
from registry.usecases import jobpostings
from registry.usecases.opening_import import import_ads
from servicekit.batch import BatchResult
from servicekit.idempotency import idempotent
from servicekit.municipalities import MUNICIPALITY_CODE_PATTERN
from servicekit.openapi import ERRORS
from servicekit.pagination import Keyset
from servicekit.routing import JsonRoute

router = APIRouter(route_class=JsonRoute, prefix="/v1/openings", tags=["openings"])
KIND = "openings"
IMPORT_ERRORS: dict[int | str, dict[str, Any]] = {
    **BATCH_ERRORS,
    422: {"description": "Unknown `format` (schema version) or an invalid envelope; `errors` names the field"},
}


class JsonLdResponse(JSONResponse):
    media_type = JSON_LD


def _base_url(request: Request) -> str:
    return str(request.base_url).rstrip("/")


@router.post(":import", response_model=BatchResult, responses=IMPORT_ERRORS)
@idempotent
async def import_openings(
    body: ImportRequest,
    session: SessionDep,
    principal: OpeningsWriter,
    occupation_map: OccupationMapDep,
) -> BatchResult:
    """Import up to 1,000 published ads (`jobtech-jobstream-v2`, `jobnet-v1`) as openings; one result per item.

    Incremental and idempotent: an ad is upserted by `jobtech:<id>` / `jobnet:<id>` in its workplace's
    municipality (which must be the caller's; national clients import for any); the same ad again is
    `unchanged`, a changed one `updated`, a removed ad closes its opening. Concepts the loaded
    taxonomy does not know are kept in `source_concepts` and listed in `unmapped`.
    """
    result = await import_ads(
        session,
        body.format,
        body.items,
        occupation_map=occupation_map,
        municipality_for=principal.municipality_for_write,
        tenant=principal.tenant,
    )
    return result


@router.get(":jobposting", response_model=JobPostingList, response_class=JsonLdResponse, responses=ERRORS)
async def list_job_postings(
    request: Request,
    session: SessionDep,
    principal: RegistryReader,
    page: PageParamsDep,
    codec: CursorCodecDep,
    book: CodeBookDep,
    occupation_map: OccupationMapDep,
    municipality: Annotated[str | None, Query(pattern=MUNICIPALITY_CODE_PATTERN)] = None,
) -> JobPostingList:
    """A page of openings as a schema.org ItemList of JobPostings (JSON-LD), oldest first."""
    found = await jobpostings.list_job_postings(
        session,
        tenant=principal.tenant,
        municipality=municipality,
        after=Keyset.by_time(KIND).start(codec, page.cursor),
        limit=page.limit,
        omap=occupation_map,
        book=book,
        base_url=_base_url(request),
    )
    listed = page_of(codec, page, found, kind=KIND)
    return JobPostingList.model_validate(
        {
            "@context": "https://schema.org/",
            "@type": "ItemList",
            "numberOfItems": len(listed.items),
            "itemListElement": listed.items,
            "next_cursor": listed.next_cursor,
        }
    )


@router.get("/{opening_id}/jobposting", response_model=JobPosting, response_class=JsonLdResponse, responses=ERRORS)
async def get_job_posting(
    opening_id: uuid.UUID,
    request: Request,
    session: SessionDep,
    principal: RegistryReader,
    book: CodeBookDep,
    occupation_map: OccupationMapDep,
) -> JobPosting:
    """One opening as a schema.org JobPosting (JSON-LD) with its ESCO occupationalCategory."""
    return await jobpostings.get_job_posting(
        session, opening_id, tenant=principal.tenant, omap=occupation_map, book=book, base_url=_base_url(request)
    )
