"""/v1/openings — job openings at companies, and `openings:batch` for bulk sync."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Query, Response
from sqlalchemy.ext.asyncio import AsyncSession

from registry import feed
from registry.api.common import CREATE_ERRORS, ERRORS, UPDATE_ERRORS, decode_position, next_cursor, reject, validate_as
from registry.api.deps import (
    CodeBookDep,
    CursorCodecDep,
    IdempotencyDep,
    IfMatch,
    OpeningsWriter,
    PageParamsDep,
    RegistryReader,
    SessionDep,
)
from registry.api.references import municipality_violations, reference_violations
from registry.api.updates import current_for_update, save_update
from registry.domain.violations import Violation
from registry.models import openings, organisations
from registry.records.openings import as_create, opening_read, prepare_opening
from registry.repository import rows
from registry.repository.outbox import record_change
from registry.schemas.batch import OPENINGS_BATCH_EXAMPLE, BatchRequest, BatchResult
from registry.schemas.openings import OpeningCreate, OpeningRead, OpeningStatus, OpeningUpdate
from registry.sync.openings import EMPLOYER_KINDS, upsert_openings
from servicekit.errors import Conflict, NotFound
from servicekit.etag import etag_for
from servicekit.pagination import Page
from servicekit.routing import JsonRoute

router = APIRouter(route_class=JsonRoute, prefix="/v1/openings", tags=["openings"])
KIND = "openings"


async def _employer_violations(session: AsyncSession, organisation_id: uuid.UUID, municipality: str) -> list[Violation]:
    found: list[Violation] = await reference_violations(
        session, organisations, [("organisation_id", organisation_id, EMPLOYER_KINDS)], municipality=municipality
    )
    return found


@router.post("", status_code=201, response_model=OpeningRead, responses=CREATE_ERRORS)
async def create_opening(
    body: OpeningCreate,
    session: SessionDep,
    principal: OpeningsWriter,
    idem: IdempotencyDep,
    book: CodeBookDep,
    response: Response,
) -> Any:
    """Create a job opening (409 if its external_ref exists; use `openings:batch` to upsert)."""
    if replay := await idem.replay():
        return replay
    municipality = principal.municipality_for_write(body.municipality)
    opening = prepare_opening(body, municipality=municipality, book=book)
    reject(
        await municipality_violations(session, municipality)
        + await _employer_violations(session, body.organisation_id, municipality)
        + opening.violations
    )
    values = {**opening.values, "id": uuid.uuid4(), "organisation_id": body.organisation_id}
    row = await rows.insert_unless_taken(session, openings, values)
    if row is None:
        raise Conflict("An opening with this external_ref exists in the municipality.")
    await record_change(session, **feed.upsert("opening", row, feed.opening_data(row)))
    response.headers["ETag"] = etag_for(row.version)
    response.headers["Location"] = f"/v1/openings/{row.id}"
    return await idem.remember(201, opening_read(row))


@router.post(
    ":batch",
    openapi_extra=OPENINGS_BATCH_EXAMPLE,
    response_model=BatchResult,
    responses={**ERRORS, 409: {"description": "Idempotency-Key in use"}},
)
async def batch_openings(
    body: BatchRequest, session: SessionDep, principal: OpeningsWriter, idem: IdempotencyDep, book: CodeBookDep
) -> Any:
    """Upsert up to 1,000 openings by (municipality, external_ref); one result per item."""
    if replay := await idem.replay():
        return replay
    result = await upsert_openings(
        session, body.items, municipality_for=principal.municipality_for_write, book=book, tenant=principal.tenant
    )
    return await idem.remember(200, result)


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
    flexjob: Annotated[bool | None, Query()] = None,
    updated_since: Annotated[dt.datetime | None, Query()] = None,
) -> Any:
    """List openings, oldest first."""
    where = []
    if municipality:
        where.append(openings.c.municipality == municipality)
    if status:
        where.append(openings.c.status == status)
    if organisation_id:
        where.append(openings.c.organisation_id == organisation_id)
    if occupation:
        where.append(openings.c.occupation == occupation)
    if flexjob is not None:
        where.append(openings.c.flexjob.is_(flexjob))
    if updated_since:
        where.append(openings.c.updated_at >= updated_since)
    found = await rows.list_page(
        session,
        openings,
        tenant=principal.tenant,
        where=where,
        after=decode_position(codec, page.cursor, kind=KIND),
        limit=page.limit + 1,
    )
    return Page[OpeningRead](
        items=[opening_read(r) for r in found[: page.limit]],
        next_cursor=next_cursor(codec, found, page.limit, kind=KIND),
    )


@router.get("/{opening_id}", response_model=OpeningRead, responses=ERRORS)
async def get_opening(opening_id: uuid.UUID, session: SessionDep, principal: RegistryReader, response: Response) -> Any:
    """Read one opening."""
    row = await rows.get(session, openings, opening_id, tenant=principal.tenant)
    if row is None:
        raise NotFound("Opening not found.")
    response.headers["ETag"] = etag_for(row.version)
    return opening_read(row)


@router.patch("/{opening_id}", response_model=OpeningRead, responses=UPDATE_ERRORS)
async def update_opening(
    opening_id: uuid.UUID,
    body: OpeningUpdate,
    session: SessionDep,
    principal: OpeningsWriter,
    book: CodeBookDep,
    if_match: IfMatch,
    response: Response,
) -> Any:
    """Change an opening (If-Match required)."""
    expected, current = await current_for_update(
        if_match,
        lambda: rows.get(session, openings, opening_id, tenant=principal.tenant),
        not_found="Opening not found.",
    )
    merged = validate_as(OpeningCreate, {**as_create(current), **body.model_dump(mode="json", exclude_unset=True)})
    opening = prepare_opening(merged, municipality=current.municipality, book=book)
    reject(await _employer_violations(session, merged.organisation_id, current.municipality) + opening.violations)
    values = {k: v for k, v in opening.values.items() if k not in ("municipality", "external_ref")}
    values["organisation_id"] = merged.organisation_id
    row = await save_update(
        session,
        openings,
        opening_id,
        tenant=principal.tenant,
        expected=expected,
        values=values,
        entity="opening",
        feed_data=feed.opening_data,
        response=response,
    )
    return opening_read(row)


@router.delete("/{opening_id}", status_code=204, responses=ERRORS)
async def delete_opening(opening_id: uuid.UUID, session: SessionDep, principal: OpeningsWriter) -> Response:
    """Delete an opening."""
    row = await rows.delete(session, openings, opening_id, tenant=principal.tenant)
    if row is None:
        raise NotFound("Opening not found.")
    await record_change(session, **feed.removal("opening", row))
    return Response(status_code=204)
