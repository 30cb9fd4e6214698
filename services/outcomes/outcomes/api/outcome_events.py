"""/v1/outcome-events — facts about citizens after enrolment; the client's id makes writes idempotent."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query, Response
from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from outcomes import repository as repo
from outcomes.api.deps import (
    ERRORS,
    CursorCodecDep,
    MunicipalityFilter,
    OutcomesReader,
    OutcomesWriter,
    PageParamsDep,
    SessionDep,
)
from outcomes.intake import record_event
from outcomes.schemas import BatchItemResult, BatchResult, OutcomeEventBatch, OutcomeEventCreate, OutcomeEventRead
from servicekit.auth import Principal
from servicekit.errors import DomainError, problem_from_domain
from servicekit.pagination import Page
from servicekit.routing import JsonRoute

router = APIRouter(route_class=JsonRoute, prefix="/v1/outcome-events", tags=["outcome-events"])
batch_router = APIRouter(route_class=JsonRoute, prefix="/v1/outcome-events:batch", tags=["outcome-events"])
WRITE_ERRORS: dict[int | str, dict[str, Any]] = {**ERRORS, 409: {"description": "This id was used for another event"}}


def read(row: Any) -> OutcomeEventRead:
    return OutcomeEventRead(
        id=row.id,
        municipality=row.municipality,
        citizen_id=row.citizen_id,
        type=row.type,
        occurred_on=row.occurred_on,
        data=row.data,
        supersedes=row.supersedes,
        recorded_at=row.created_at,
    )


async def _municipality(session: AsyncSession, principal: Principal, citizen_id: uuid.UUID) -> str:
    if not principal.is_national:
        return str(principal.tenant)
    citizen = await repo.get_citizen(session, citizen_id)
    return str(citizen.municipality) if citizen is not None else str(principal.tenant)


@router.post(
    "",
    status_code=201,
    response_model=OutcomeEventRead,
    responses={**WRITE_ERRORS, 200: {"description": "Replay of an event already recorded with the same content"}},
)
async def create_outcome_event(
    body: OutcomeEventCreate, session: SessionDep, principal: OutcomesWriter, response: Response
) -> Any:
    """Record an outcome event (same id and content again: 200, nothing changes)."""
    municipality = await _municipality(session, principal, body.citizen_id)
    row, created = await record_event(session, municipality=municipality, body=body, today=date.today())
    response.status_code = 201 if created else 200
    response.headers["Location"] = f"/v1/outcome-events/{row.id}"
    return read(row)


@batch_router.post("", response_model=BatchResult, responses=ERRORS)
async def create_outcome_events(body: OutcomeEventBatch, session: SessionDep, principal: OutcomesWriter) -> Any:
    """Record up to 1,000 events; each answers created/unchanged/error, one bad item never blocks the rest."""
    results = []
    for index, raw in enumerate(body.items):
        item_id = raw.get("id") if isinstance(raw.get("id"), str) else None
        try:
            item = OutcomeEventCreate.model_validate(raw)
        except ValidationError as error:
            problem = {
                "type": "validation-failed",
                "title": "Invalid item",
                "status": 422,
                "detail": f"items[{index}] is invalid",
                "errors": [
                    {"field": ".".join(str(part) for part in e["loc"]), "message": e["msg"]} for e in error.errors()
                ],
            }
            results.append(BatchItemResult(id=item_id, status="error", problem=problem))
            continue
        try:
            async with session.begin_nested():
                municipality = await _municipality(session, principal, item.citizen_id)
                _, created = await record_event(session, municipality=municipality, body=item, today=date.today())
        except DomainError as error:
            results.append(BatchItemResult(id=item.id, status="error", problem=problem_from_domain(error).body()))
            continue
        results.append(BatchItemResult(id=item.id, status="created" if created else "unchanged"))
    return BatchResult(items=results)


@router.get("", response_model=Page[OutcomeEventRead], responses=ERRORS)
async def list_outcome_events(
    session: SessionDep,
    principal: OutcomesReader,
    page: PageParamsDep,
    codec: CursorCodecDep,
    citizen_id: Annotated[uuid.UUID | None, Query()] = None,
    municipality: MunicipalityFilter = None,
) -> Any:
    """List outcome events in recording order (optionally one citizen's)."""
    after = int(codec.decode(page.cursor, kind="outcome-events")["sequence"]) if page.cursor else None
    rows = await repo.list_events(
        session, municipality=municipality, citizen_id=citizen_id, after_sequence=after, limit=page.limit + 1
    )
    more = len(rows) > page.limit
    rows = rows[: page.limit]
    cursor = codec.encode({"sequence": rows[-1].sequence}, kind="outcome-events") if more else None
    return Page[OutcomeEventRead](items=[read(row) for row in rows], next_cursor=cursor)
