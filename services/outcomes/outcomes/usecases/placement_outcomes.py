"""Placement outcomes for matching: did a placement last three months?"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from outcomes.domain.events import effective_events
from outcomes.domain.placements import lasted_3_months, placements
from outcomes.schemas.placement_outcomes import PlacementOutcome
from outcomes.store import outcome_events as store


async def list_placement_outcomes(
    session: AsyncSession, *, after: uuid.UUID | None, limit: int, today: date
) -> tuple[list[PlacementOutcome], uuid.UUID | None]:
    """Placements of up to `limit` citizens after `after`, and the last citizen if more follow."""
    citizen_ids = await store.placement_event_citizens(session, after=after, limit=limit + 1)
    more = len(citizen_ids) > limit
    citizen_ids = citizen_ids[:limit]
    by_citizen: dict[uuid.UUID, list[Any]] = {}
    for row in await store.events_of(session, citizen_ids):
        by_citizen.setdefault(row.citizen_id, []).append(row)
    items = []
    for citizen_id in citizen_ids:
        events = by_citizen.get(citizen_id, [])
        municipality = events[0].municipality if events else ""
        for placement in placements(effective_events(store.event_of(row) for row in events)):
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
    return items, citizen_ids[-1] if more else None
