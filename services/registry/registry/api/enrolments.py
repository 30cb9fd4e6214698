"""/v1/enrolments — citizens in the citizen course, companies in the accelerator, with dated milestones."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Query, Response
from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

from registry import feed
from registry.api.common import CREATE_ERRORS, ERRORS, UPDATE_ERRORS, decode_position, next_cursor, reject, validate_as
from registry.api.deps import (
    CitizensWriter,
    CursorCodecDep,
    IdempotencyDep,
    IfMatch,
    PageParamsDep,
    RegistryReader,
    SessionDep,
)
from registry.api.references import municipality_violations, reference_violations
from registry.api.updates import current_for_update, save_update
from registry.domain.enrolment_rules import MilestoneDates, milestone_violations, participant_violations
from registry.domain.violations import Violation
from registry.models import citizens, enrolments, organisations, partnerships
from registry.repository import rows
from registry.repository.outbox import record_change
from registry.schemas.enrolments import EnrolmentCreate, EnrolmentRead, EnrolmentUpdate, Phase, Programme
from servicekit.errors import NotFound
from servicekit.etag import etag_for
from servicekit.pagination import Page
from servicekit.routing import JsonRoute

router = APIRouter(route_class=JsonRoute, prefix="/v1/enrolments", tags=["enrolments"])
KIND = "enrolments"
FIELDS = {"programme", "citizen_id", "organisation_id", "partnership_id", "started_on", "phase", "milestones"}


async def _violations(session: AsyncSession, body: EnrolmentCreate, municipality: str) -> list[Violation]:
    found: list[Violation] = participant_violations(
        programme=body.programme,
        has_citizen=body.citizen_id is not None,
        has_organisation=body.organisation_id is not None,
    )
    found += milestone_violations(
        started_on=body.started_on,
        milestones=[MilestoneDates(m.name, m.due_on, m.reached_on) for m in body.milestones],
        today=dt.date.today(),
    )
    found += await reference_violations(
        session, partnerships, [("partnership_id", body.partnership_id, None)], municipality=municipality
    )
    found += await reference_violations(
        session, organisations, [("organisation_id", body.organisation_id, None)], municipality=municipality
    )
    if body.citizen_id is not None:
        citizen = await rows.get(session, citizens, body.citizen_id, tenant=municipality)
        if citizen is None or citizen.erased_at is not None:
            found.append(Violation("citizen_id", "no such citizen in the municipality", "unknown_reference"))
    return found


def _values(body: BaseModel) -> dict[str, Any]:
    return body.model_dump(mode="json", include=FIELDS) | {
        "citizen_id": getattr(body, "citizen_id", None),
        "organisation_id": getattr(body, "organisation_id", None),
        "partnership_id": body.partnership_id,  # type: ignore[attr-defined]
        "started_on": body.started_on,  # type: ignore[attr-defined]
    }


def _read(row: Any) -> EnrolmentRead:
    return EnrolmentRead.model_validate(row, from_attributes=True)


@router.post("", status_code=201, response_model=EnrolmentRead, responses=CREATE_ERRORS)
async def create_enrolment(
    body: EnrolmentCreate, session: SessionDep, principal: CitizensWriter, idem: IdempotencyDep, response: Response
) -> Any:
    """Enrol a citizen in the citizen course or an organisation in the company accelerator."""
    if replay := await idem.replay():
        return replay
    municipality = principal.municipality_for_write(body.municipality)
    reject(await municipality_violations(session, municipality) + await _violations(session, body, municipality))
    row = await rows.insert(session, enrolments, {**_values(body), "id": uuid.uuid4(), "municipality": municipality})
    await record_change(session, **feed.upsert("enrolment", row, feed.enrolment_data(row)))
    response.headers["ETag"] = etag_for(row.version)
    response.headers["Location"] = f"/v1/enrolments/{row.id}"
    return await idem.remember(201, _read(row))


@router.get("", response_model=Page[EnrolmentRead], responses=ERRORS)
async def list_enrolments(
    session: SessionDep,
    principal: RegistryReader,
    page: PageParamsDep,
    codec: CursorCodecDep,
    municipality: Annotated[str | None, Query()] = None,
    partnership_id: Annotated[uuid.UUID | None, Query()] = None,
    programme: Annotated[Programme | None, Query()] = None,
    phase: Annotated[Phase | None, Query()] = None,
    citizen_id: Annotated[uuid.UUID | None, Query()] = None,
    updated_since: Annotated[dt.datetime | None, Query()] = None,
) -> Any:
    """List enrolments, oldest first."""
    where = []
    for column, value in (
        (enrolments.c.municipality, municipality),
        (enrolments.c.partnership_id, partnership_id),
        (enrolments.c.programme, programme),
        (enrolments.c.phase, phase),
        (enrolments.c.citizen_id, citizen_id),
    ):
        if value is not None:
            where.append(column == value)
    if updated_since:
        where.append(enrolments.c.updated_at >= updated_since)
    found = await rows.list_page(
        session,
        enrolments,
        tenant=principal.tenant,
        where=where,
        after=decode_position(codec, page.cursor, kind=KIND),
        limit=page.limit + 1,
    )
    return Page[EnrolmentRead](
        items=[_read(r) for r in found[: page.limit]], next_cursor=next_cursor(codec, found, page.limit, kind=KIND)
    )


@router.get("/{enrolment_id}", response_model=EnrolmentRead, responses=ERRORS)
async def get_enrolment(
    enrolment_id: uuid.UUID, session: SessionDep, principal: RegistryReader, response: Response
) -> Any:
    """Read one enrolment."""
    row = await rows.get(session, enrolments, enrolment_id, tenant=principal.tenant)
    if row is None:
        raise NotFound("Enrolment not found.")
    response.headers["ETag"] = etag_for(row.version)
    return _read(row)


@router.patch("/{enrolment_id}", response_model=EnrolmentRead, responses=UPDATE_ERRORS)
async def update_enrolment(
    enrolment_id: uuid.UUID,
    body: EnrolmentUpdate,
    session: SessionDep,
    principal: CitizensWriter,
    if_match: IfMatch,
    response: Response,
) -> Any:
    """Move an enrolment to another phase or record milestones (If-Match required)."""
    expected, current = await current_for_update(
        if_match,
        lambda: rows.get(session, enrolments, enrolment_id, tenant=principal.tenant),
        not_found="Enrolment not found.",
    )
    base = _read(current).model_dump(mode="json", include=FIELDS)
    merged = validate_as(EnrolmentCreate, {**base, **body.model_dump(mode="json", exclude_unset=True)})
    reject(await _violations(session, merged, current.municipality))
    row = await save_update(
        session,
        enrolments,
        enrolment_id,
        tenant=principal.tenant,
        expected=expected,
        values=_values(merged),
        entity="enrolment",
        feed_data=feed.enrolment_data,
        response=response,
    )
    return _read(row)


@router.delete("/{enrolment_id}", status_code=204, responses=ERRORS)
async def delete_enrolment(enrolment_id: uuid.UUID, session: SessionDep, principal: CitizensWriter) -> Response:
    """Delete an enrolment recorded in error."""
    row = await rows.delete(session, enrolments, enrolment_id, tenant=principal.tenant)
    if row is None:
        raise NotFound("Enrolment not found.")
    await record_change(session, **feed.removal("enrolment", row))
    return Response(status_code=204)
