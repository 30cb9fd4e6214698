"""The facts the rules of account read: enrolled citizens of the projection with their outcome events."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from outcomes.domain.entitlements import CitizenFacts
from outcomes.domain.events import OutcomeEvent
from outcomes.store import outcome_events, projection


async def facts_by_citizen(session: AsyncSession, citizens: Sequence[Any]) -> list[CitizenFacts]:
    """Enrolled citizens (projection rows) with their events, as domain facts."""
    rows = await outcome_events.events_of(session, [citizen.id for citizen in citizens])
    by_citizen: dict[str, list[OutcomeEvent]] = {}
    for row in rows:
        by_citizen.setdefault(str(row.citizen_id), []).append(outcome_events.event_of(row))
    result = []
    for citizen in citizens:
        facts = projection.citizen_facts(citizen, by_citizen.get(str(citizen.id), []))
        if facts is not None:
            result.append(facts)
    return result
