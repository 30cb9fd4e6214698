"""/v1/openings — job openings at companies, and `openings:batch` for bulk sync."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Response

from registry.api.common import CREATE_ERRORS, ERRORS, UPDATE_ERRORS, created, decode_position, page_of, tagged
from registry.api.deps import (
    CodeBookDep,
    CursorCodecDep,
    IfMatch,
    OpeningsWriter,
    PageParamsDep,
    RegistryReader,
    SessionDep,
)
from registry.api.items import TenantItems
from registry.schemas.batch import OPENINGS_BATCH_EXAMPLE
from registry.schemas.openings import OpeningCreate, OpeningRead, OpeningStatus, OpeningUpdate
from registry.usecases import openings as usecase
from registry.usecases.opening_batch import upsert_openings
from servicekit.batch import BatchRequest, BatchResult
from servicekit.etag import parse_if_match
from servicekit.idempotency import idempotent
from servicekit.pagination import Page
from servicekit.routing import JsonRoute
from servicekit.strict import QueryBool

router = APIRouter(route_class=JsonRoute, prefix="/v1/openings", tags=["openings"])
KIND = "openings"
items = TenantItems(router, item="opening", answer=OpeningRead, reader=RegistryReader, writer=OpeningsWriter)


@router.post("", status_code=201, response_model=OpeningRead, responses=CREATE_ERRORS)
@idempotent
async def create_opening(
    body: OpeningCreate,
    session: SessionDep,
    principal: OpeningsWriter,
    book: CodeBookDep,
    response: Response,
) -> OpeningRead:
    """Create a job opening (409 if its external_ref exists; use `openings:batch` to upsert)."""
    municipality = principal.municipality_for_write(body.municipality)
    found = await usecase.create_opening(session, body, municipality=municipality, book=book)
    return created(response, found, location=f"/v1/openings/{found.resource.id}")


@router.post(
    ":batch",
    openapi_extra=OPENINGS_BATCH_EXAMPLE,
    response_model=BatchResult,
    responses={**ERRORS, 409: {"description": "Idempotency-Key in use"}},
)
@idempotent
async def batch_openings(
    body: BatchRequest, session: SessionDep, principal: OpeningsWriter, book: CodeBookDep
) -> BatchResult:
    """Upsert up to 1,000 openings by (municipality, external_ref); one result per item."""
    result = await upsert_openings(
        session, body.items, municipality_for=principal.municipality_for_write, book=book, tenant=principal.tenant
    )
    return result


@router.get("", response_model=Page[OpeningRead], responses=ERRORS)
async def list_openings(
    session: SessionDep,
    principal: RegistryReader,
    page: PageParamsDep,
    codec: CursorCodecDep,
    municipality: Annotated[str | None, Query()] = None,
    status: Annotated[OpeningStatus | None, Query()] = None,
    organisation_id: Annotated[uuid.UUID | None, Query()] = None,
    occupation: Annotated[str | None, Query(max_length=300)] = None,
    flexjob: Annotated[QueryBool | None, Query()] = None,
    updated_since: Annotated[dt.datetime | None, Query()] = None,
) -> Page[OpeningRead]:
    """List openings, oldest first."""
    found = await usecase.list_openings(
        session,
        tenant=principal.tenant,
        after=decode_position(codec, page.cursor, kind=KIND),
        limit=page.limit,
        municipality=municipality,
        status=status,
        organisation_id=organisation_id,
        occupation=occupation,
        flexjob=flexjob,
        updated_since=updated_since,
    )
    return page_of(codec, found, kind=KIND)


items.get("Read one opening.", usecase.get_opening)


@router.patch("/{opening_id}", response_model=OpeningRead, responses=UPDATE_ERRORS)
async def update_opening(
    opening_id: uuid.UUID,
    body: OpeningUpdate,
    session: SessionDep,
    principal: OpeningsWriter,
    book: CodeBookDep,
    if_match: IfMatch,
    response: Response,
) -> OpeningRead:
    """Change an opening (If-Match required)."""
    found = await usecase.update_opening(
        session, opening_id, body, tenant=principal.tenant, expected=parse_if_match(if_match), book=book
    )
    return tagged(response, found)


items.delete("Delete an opening.", usecase.delete_opening, responses=ERRORS)
