"""/v1/outcome-events — facts about citizens after enrolment; the client's id makes writes idempotent."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query, Response

from outcomes.api.deps import (
    ERRORS,
    CursorCodecDep,
    MunicipalityFilter,
    OutcomesReader,
    OutcomesWriter,
    PageParamsDep,
    SessionDep,
    page_slice,
)
from outcomes.schemas.outcome_events import BatchResult, OutcomeEventBatch, OutcomeEventCreate, OutcomeEventRead
from outcomes.usecases import outcome_events
from servicekit.pagination import Page
from servicekit.routing import JsonRoute

router = APIRouter(route_class=JsonRoute, prefix="/v1/outcome-events", tags=["outcome-events"])
batch_router = APIRouter(route_class=JsonRoute, prefix="/v1/outcome-events:batch", tags=["outcome-events"])
WRITE_ERRORS: dict[int | str, dict[str, Any]] = {**ERRORS, 409: {"description": "This id was used for another event"}}


@router.post(
    "",
    status_code=201,
    response_model=OutcomeEventRead,
    responses={**WRITE_ERRORS, 200: {"description": "Replay of an event already recorded with the same content"}},
)
async def create_outcome_event(
    body: OutcomeEventCreate, session: SessionDep, principal: OutcomesWriter, response: Response
) -> OutcomeEventRead:
    """Record an outcome event (same id and content again: 200, nothing changes)."""
    event, created = await outcome_events.record_event(session, principal=principal, body=body, today=date.today())
    response.status_code = 201 if created else 200
    response.headers["Location"] = f"/v1/outcome-events/{event.id}"
    return event


@batch_router.post("", response_model=BatchResult, responses=ERRORS)
async def create_outcome_events(body: OutcomeEventBatch, session: SessionDep, principal: OutcomesWriter) -> BatchResult:
    """Record up to 1,000 events; each answers created/unchanged/error, one bad item never blocks the rest."""
    return await outcome_events.record_events(session, principal=principal, items=body.items, today=date.today())


@router.get("", response_model=Page[OutcomeEventRead], responses=ERRORS)
async def list_outcome_events(
    session: SessionDep,
    principal: OutcomesReader,
    page: PageParamsDep,
    codec: CursorCodecDep,
    citizen_id: Annotated[uuid.UUID | None, Query()] = None,
    municipality: MunicipalityFilter = None,
) -> Page[OutcomeEventRead]:
    """List outcome events in recording order (optionally one citizen's)."""
    after = int(codec.decode(page.cursor, kind="outcome-events")["sequence"]) if page.cursor else None
    rows = await outcome_events.list_events(
        session, municipality=municipality, citizen_id=citizen_id, after_sequence=after, limit=page.limit + 1
    )
    rows, cursor = page_slice(
        rows, limit=page.limit, codec=codec, kind="outcome-events", position=lambda row: {"sequence": row[0]}
    )
    return Page[OutcomeEventRead](items=[event for _, event in rows], next_cursor=cursor)
