"""/v1/openings — job openings at companies, and `openings:batch` for bulk sync."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Response

from registry.api.common import BATCH_ERRORS, CREATE_ERRORS, UPDATE_ERRORS, created, tagged
from registry.api.deps import CodeBookDep, IfMatch, OpeningsWriter, RegistryReader, SessionDep
from registry.api.items import TenantItems
from registry.schemas.batch import OPENINGS_BATCH_EXAMPLE
from registry.schemas.openings import OpeningCreate, OpeningFilter, OpeningRead, OpeningUpdate
from registry.usecases import openings as usecase
from registry.usecases.opening_batch import upsert_openings
from servicekit.batch import BatchRequest, BatchResult
from servicekit.etag import parse_if_match
from servicekit.idempotency import idempotent
from servicekit.openapi import ERRORS
from servicekit.routing import JsonRoute

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


@router.post(":batch", openapi_extra=OPENINGS_BATCH_EXAMPLE, response_model=BatchResult, responses=BATCH_ERRORS)
@idempotent
async def batch_openings(
    body: BatchRequest, session: SessionDep, principal: OpeningsWriter, book: CodeBookDep
) -> BatchResult:
    """Upsert up to 1,000 openings by (municipality, external_ref); one result per item."""
    result = await upsert_openings(
        session, body.items, municipality_for=principal.municipality_for_write, book=book, tenant=principal.tenant
    )
    return result


items.list("List openings, oldest first.", OpeningFilter, usecase.list_openings, kind=KIND)
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
