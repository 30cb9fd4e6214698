"""/internal/v1/placement-outcomes — training labels for matching: did a placement last three months?"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query

from outcomes import repository as repo
from outcomes.accounting import event_of
from outcomes.api.deps import CursorCodecDep, Internal, SessionDep
from outcomes.domain.calendar import add_months
from outcomes.domain.events import effective_events
from outcomes.domain.placements import Placement, placements
from outcomes.schemas import PlacementOutcome, PlacementOutcomePage
from servicekit.routing import JsonRoute

router = APIRouter(route_class=JsonRoute, prefix="/internal/v1/placement-outcomes", tags=["internal"])


def lasted_3_months(placement: Placement, today: date) -> bool | None:
    """True once three months are observed in the placement, False if it ended sooner, None if too early."""
    target = add_months(placement.start, 3)
    if placement.end is not None and placement.end < target:
        return False
    return True if today >= target else None


@router.get("", response_model=PlacementOutcomePage)
async def list_placement_outcomes(
    session: SessionDep,
    principal: Internal,
    codec: CursorCodecDep,
    cursor: Annotated[str | None, Query(max_length=512)] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 500,
) -> Any:
    """Placements with their three-month outcome, paged by citizen (scope internal)."""
    after = uuid.UUID(codec.decode(cursor, kind="placement-outcomes")["citizen"]) if cursor else None
    citizen_ids = await repo.placement_event_citizens(session, after=after, limit=limit + 1)
    more = len(citizen_ids) > limit
    citizen_ids = citizen_ids[:limit]
    rows = await repo.events_of(session, citizen_ids)
    by_citizen: dict[uuid.UUID, list[Any]] = {}
    for row in rows:
        by_citizen.setdefault(row.citizen_id, []).append(row)
    today = date.today()
    items = []
    for citizen_id in citizen_ids:
        events = by_citizen.get(citizen_id, [])
        municipality = events[0].municipality if events else ""
        for placement in placements(effective_events(event_of(row) for row in events)):
            items.append(
                PlacementOutcome(
                    citizen_id=citizen_id,
                    opening_id=placement.opening_id,
                    organisation_id=placement.organisation_id,
                    municipality=municipality,
                    started_on=placement.start,
                    ended_on=placement.end,
                    lasted_3_months=lasted_3_months(placement, today),
                )
            )
    next_cursor = codec.encode({"citizen": str(citizen_ids[-1])}, kind="placement-outcomes") if more else None
    return PlacementOutcomePage(items=items, next_cursor=next_cursor)
