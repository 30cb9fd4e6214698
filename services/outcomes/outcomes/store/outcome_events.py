"""SQL for outcome events, and stored events as domain facts."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from pydantic import TypeAdapter
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from outcomes.domain.events import OutcomeEvent
from outcomes.schemas.outcome_events import OutcomeEventRead
from outcomes.store.tables import (
    outcome_events,
)

Row = sa.Row[Any]


def event_of(row: Row) -> OutcomeEvent:
    """A stored event as a domain fact."""
    return OutcomeEvent(
        id=row.id,
        citizen_id=str(row.citizen_id),
        type=row.type,
        occurred_on=row.occurred_on,
        data=row.data,
        supersedes=row.supersedes,
        sequence=row.sequence,
    )


EVENT_READ: TypeAdapter[OutcomeEventRead] = TypeAdapter(OutcomeEventRead)


def event_read(row: Row) -> OutcomeEventRead:
    return EVENT_READ.validate_python(
        {
            "id": row.id,
            "municipality": row.municipality,
            "citizen_id": row.citizen_id,
            "type": row.type,
            "occurred_on": row.occurred_on,
            "data": row.data,
            "supersedes": row.supersedes,
            "recorded_at": row.created_at,
        }
    )


async def get_event(session: AsyncSession, municipality: str, event_id: str) -> Row | None:
    query = sa.select(outcome_events).where(
        outcome_events.c.municipality == municipality, outcome_events.c.id == event_id
    )
    return (await session.execute(query)).first()


async def insert_event(session: AsyncSession, values: dict[str, Any]) -> Row | None:
    """Insert unless the id exists (a concurrent writer won); returns the new row or None."""
    statement = insert(outcome_events).values(**values).on_conflict_do_nothing().returning(*outcome_events.c)
    return (await session.execute(statement)).first()


async def list_events(
    session: AsyncSession,
    *,
    municipality: str | None = None,
    citizen_id: uuid.UUID | None,
    after_sequence: int | None,
    limit: int,
) -> Sequence[Row]:
    query = sa.select(outcome_events).order_by(outcome_events.c.sequence).limit(limit)
    if municipality:
        query = query.where(outcome_events.c.municipality == municipality)
    if citizen_id:
        query = query.where(outcome_events.c.citizen_id == citizen_id)
    if after_sequence is not None:
        query = query.where(outcome_events.c.sequence > after_sequence)
    return (await session.execute(query)).all()


async def events_of(session: AsyncSession, citizen_ids: Sequence[uuid.UUID]) -> Sequence[Row]:
    if not citizen_ids:
        return []
    query = (
        sa.select(outcome_events)
        .where(outcome_events.c.citizen_id.in_(citizen_ids))
        .order_by(outcome_events.c.sequence)
    )
    return (await session.execute(query)).all()


async def placement_event_citizens(session: AsyncSession, *, after: uuid.UUID | None, limit: int) -> list[uuid.UUID]:
    query = (
        sa.select(outcome_events.c.citizen_id)
        .where(outcome_events.c.type == "placement_started")
        .group_by(outcome_events.c.citizen_id)
        .order_by(outcome_events.c.citizen_id)
        .limit(limit)
    )
    if after is not None:
        query = query.where(outcome_events.c.citizen_id > after)
    return list((await session.scalars(query)).all())
