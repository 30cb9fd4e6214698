"""Consent events (the history) and each citizen's current state per purpose."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.ext.asyncio import AsyncSession

from registry.store.rows import scoped
from registry.store.tables import citizens, consent_events


async def record(session: AsyncSession, values: dict[str, Any]) -> sa.Row[Any]:
    row: sa.Row[Any] = (
        await session.execute(sa.insert(consent_events).values(**values).returning(consent_events))
    ).one()
    return row


async def history(session: AsyncSession, citizen_id: uuid.UUID, *, tenant: str) -> list[sa.Row[Any]]:
    """The citizen's consent events, oldest first."""
    query = sa.select(consent_events).where(consent_events.c.citizen_id == citizen_id)
    query = scoped(query, consent_events, tenant).order_by(consent_events.c.occurred_at, consent_events.c.id)
    return list((await session.execute(query)).all())


async def set_purpose(
    session: AsyncSession, citizen_id: uuid.UUID, *, purpose: str, state: dict[str, Any]
) -> sa.Row[Any]:
    """Store a purpose's new state on the citizen (a new version: the feed carries the purposes)."""
    patch = sa.cast(sa.literal({purpose: state}, JSONB), JSONB)
    statement = (
        sa.update(citizens)
        .where(citizens.c.id == citizen_id)
        .values(
            consent_purposes=citizens.c.consent_purposes.op("||")(patch),
            version=citizens.c.version + 1,
            updated_at=sa.func.now(),
        )
        .returning(citizens)
    )
    row: sa.Row[Any] = (await session.execute(statement)).one()
    return row


async def forget(session: AsyncSession, citizen_ids: Sequence[uuid.UUID]) -> None:
    """Delete the consent history of erased citizens (nothing is processed for them any more)."""
    if citizen_ids:
        await session.execute(sa.delete(consent_events).where(consent_events.c.citizen_id.in_(citizen_ids)))
