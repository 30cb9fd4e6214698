"""/v1/partnerships — growth partnerships: municipality + business council + company + provider."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Query, Response
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from registry import feed
from registry.api.common import CREATE_ERRORS, ERRORS, UPDATE_ERRORS, decode_position, next_cursor, reject, validate_as
from registry.api.deps import (
    CursorCodecDep,
    IdempotencyDep,
    IfMatch,
    OrganisationsWriter,
    PageParamsDep,
    RegistryReader,
    SessionDep,
)
from registry.api.references import municipality_violations, reference_violations
from registry.api.updates import current_for_update, save_update
from registry.domain.dates import in_order
from registry.domain.violations import Violation
from registry.models import organisations, partnerships
from registry.repository import rows
from registry.repository.outbox import record_change
from registry.schemas.partnerships import PartnershipCreate, PartnershipRead, PartnershipStatus, PartnershipUpdate
from servicekit.errors import Conflict, NotFound
from servicekit.etag import etag_for
from servicekit.pagination import Page
from servicekit.routing import JsonRoute

router = APIRouter(route_class=JsonRoute, prefix="/v1/partnerships", tags=["partnerships"])
KIND = "partnerships"
COMPANY_KINDS = frozenset({"company", "social_enterprise"})


async def _violations(session: AsyncSession, body: PartnershipCreate, municipality: str) -> list[Violation]:
    references = [
        ("company_id", body.company_id, COMPANY_KINDS),
        ("business_council_id", body.business_council_id, frozenset({"business_council"})),
        ("provider_id", body.provider_id, frozenset({"provider"})),
    ]
    return [
        *await reference_violations(session, organisations, references, municipality=municipality),
        *in_order(start=body.starts_on, end=body.ends_on, end_field="ends_on", start_name="starts_on"),
    ]


def _values(body: PartnershipCreate | PartnershipRead) -> dict[str, Any]:
    values: dict[str, Any] = body.model_dump(
        include={"company_id", "business_council_id", "provider_id", "starts_on", "ends_on", "status"}
    )
    return values


def _read(row: Any) -> PartnershipRead:
    return PartnershipRead.model_validate(row, from_attributes=True)


@router.post("", status_code=201, response_model=PartnershipRead, responses=CREATE_ERRORS)
async def create_partnership(
    body: PartnershipCreate,
    session: SessionDep,
    principal: OrganisationsWriter,
    idem: IdempotencyDep,
    response: Response,
) -> Any:
    """Create a growth partnership."""
    if replay := await idem.replay():
        return replay
    municipality = principal.municipality_for_write(body.municipality)
    reject(await municipality_violations(session, municipality) + await _violations(session, body, municipality))
    row = await rows.insert(session, partnerships, {**_values(body), "id": uuid.uuid4(), "municipality": municipality})
    await record_change(session, **feed.upsert("partnership", row, feed.partnership_data(row)))
    response.headers["ETag"] = etag_for(row.version)
    response.headers["Location"] = f"/v1/partnerships/{row.id}"
    return await idem.remember(201, _read(row))


@router.get("", response_model=Page[PartnershipRead], responses=ERRORS)
async def list_partnerships(
    session: SessionDep,
    principal: RegistryReader,
    page: PageParamsDep,
    codec: CursorCodecDep,
    municipality: Annotated[str | None, Query()] = None,
    status: Annotated[PartnershipStatus | None, Query()] = None,
    company_id: Annotated[uuid.UUID | None, Query()] = None,
    updated_since: Annotated[dt.datetime | None, Query()] = None,
) -> Any:
    """List partnerships, oldest first."""
    where = []
    if municipality:
        where.append(partnerships.c.municipality == municipality)
    if status:
        where.append(partnerships.c.status == status)
    if company_id:
        where.append(partnerships.c.company_id == company_id)
    if updated_since:
        where.append(partnerships.c.updated_at >= updated_since)
    found = await rows.list_page(
        session,
        partnerships,
        tenant=principal.tenant,
        where=where,
        after=decode_position(codec, page.cursor, kind=KIND),
        limit=page.limit + 1,
    )
    return Page[PartnershipRead](
        items=[_read(r) for r in found[: page.limit]], next_cursor=next_cursor(codec, found, page.limit, kind=KIND)
    )


@router.get("/{partnership_id}", response_model=PartnershipRead, responses=ERRORS)
async def get_partnership(
    partnership_id: uuid.UUID, session: SessionDep, principal: RegistryReader, response: Response
) -> Any:
    """Read one partnership."""
    row = await rows.get(session, partnerships, partnership_id, tenant=principal.tenant)
    if row is None:
        raise NotFound("Partnership not found.")
    response.headers["ETag"] = etag_for(row.version)
    return _read(row)


@router.patch("/{partnership_id}", response_model=PartnershipRead, responses=UPDATE_ERRORS)
async def update_partnership(
    partnership_id: uuid.UUID,
    body: PartnershipUpdate,
    session: SessionDep,
    principal: OrganisationsWriter,
    if_match: IfMatch,
    response: Response,
) -> Any:
    """Change a partnership (If-Match required)."""
    expected, current = await current_for_update(
        if_match,
        lambda: rows.get(session, partnerships, partnership_id, tenant=principal.tenant),
        not_found="Partnership not found.",
    )
    merged = validate_as(PartnershipCreate, {**_values(_read(current)), **body.model_dump(exclude_unset=True)})
    reject(await _violations(session, merged, current.municipality))
    row = await save_update(
        session,
        partnerships,
        partnership_id,
        tenant=principal.tenant,
        expected=expected,
        values=_values(merged),
        entity="partnership",
        feed_data=feed.partnership_data,
        response=response,
    )
    return _read(row)


@router.delete("/{partnership_id}", status_code=204, responses={**ERRORS, 409: {"description": "Still referenced"}})
async def delete_partnership(
    partnership_id: uuid.UUID, session: SessionDep, principal: OrganisationsWriter
) -> Response:
    """Delete a partnership that has no enrolments."""
    try:
        row = await rows.delete(session, partnerships, partnership_id, tenant=principal.tenant)
    except IntegrityError as exc:
        raise Conflict("The partnership still has enrolments.") from exc
    if row is None:
        raise NotFound("Partnership not found.")
    await record_change(session, **feed.removal("partnership", row))
    return Response(status_code=204)
