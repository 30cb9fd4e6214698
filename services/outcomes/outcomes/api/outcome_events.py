"""/v1/outcome-events — facts about citizens after enrolment; the client's id makes writes idempotent."""

from __future__ import annotations

import uuid
from datetime import date
from functools import partial
from typing import Annotated, Any

from fastapi import APIRouter, Query, Response

from outcomes.api.deps import ListingDep, OutcomesWriter, SessionDep, answered, creates_or_finds
from outcomes.schemas.outcome_events import OutcomeEventBatch, OutcomeEventCreate, OutcomeEventPage, OutcomeEventRead
from outcomes.usecases import outcome_events
from servicekit.access_outbox import ActorDep
from servicekit.batch import BatchResult
from servicekit.feed import FeedCheckDep
from servicekit.idempotency import idempotent
from servicekit.openapi import ERRORS
from servicekit.routing import JsonRoute

router = APIRouter(route_class=JsonRoute, prefix="/v1/outcome-events", tags=["outcome-events"])
batch_router = APIRouter(route_class=JsonRoute, prefix="/v1/outcome-events:batch", tags=["outcome-events"])
FEED_LAG: dict[int | str, dict[str, Any]] = {
    503: {
        "description": "The citizen has not yet reached this service through the registry's change feed "
        "(it caught up once and is still behind, or cannot reach the registry): retry after `Retry-After`",
        "headers": {"Retry-After": {"description": "Seconds to wait", "schema": {"type": "integer"}}},
    }
}
WRITE_ERRORS: dict[int | str, dict[str, Any]] = {
    **ERRORS,
    **FEED_LAG,
    409: {"description": "This id was used for another event"},
}


@creates_or_finds(
    router, OutcomeEventRead, found="Replay of an event already recorded with the same content", errors=WRITE_ERRORS
)
@idempotent
async def create_outcome_event(
    body: OutcomeEventCreate, session: SessionDep, principal: OutcomesWriter, response: Response, feed: FeedCheckDep
) -> OutcomeEventRead:
    """Record an outcome event (same id and content again: 200, nothing changes)."""
    event, created = await outcome_events.record_event(
        session, principal=principal, body=body, today=date.today(), feed_check=feed
    )
    return answered(response, event, created=created, location="/v1/outcome-events")


@batch_router.post("", response_model=BatchResult, responses={**ERRORS, **FEED_LAG})
@idempotent
async def create_outcome_events(
    body: OutcomeEventBatch, session: SessionDep, principal: OutcomesWriter, feed: FeedCheckDep
) -> BatchResult:
    """Record up to 1,000 events; each answers created/unchanged/error, an item a rule refuses never
    blocks the rest (a citizen not yet on the feed: that item's problem is 503, retry it)."""
    return await outcome_events.record_events(
        session, principal=principal, items=body.items, today=date.today(), feed_check=feed
    )


@router.get("", response_model=OutcomeEventPage, responses=ERRORS)
async def list_outcome_events(
    listing: ListingDep, actor: ActorDep, citizen_id: Annotated[uuid.UUID | None, Query()] = None
) -> OutcomeEventPage:
    """List outcome events in recording order (optionally one citizen's)."""
    page = await listing.by_sequence(
        "outcome-events", partial(outcome_events.list_events, citizen_id=citizen_id, actor=actor)
    )
    return OutcomeEventPage(items=page.items, next_cursor=page.next_cursor)
