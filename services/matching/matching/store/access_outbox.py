"""The outbox of access-log entries on their way to the registry: written in the request's (or
the feed page's) transaction, drained in batches by a background task, deleted only once the
registry has recorded them (nothing is lost while the registry is down)."""

from __future__ import annotations

import uuid
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from .tables import access_outbox


async def add(session: AsyncSession, entries: list[dict[str, Any]]) -> None:
    if entries:
        rows = [{"citizen_id": uuid.UUID(e["citizen_id"]), "entry": e} for e in entries]
        await session.execute(sa.insert(access_outbox), rows)


async def oldest(session: AsyncSession, limit: int) -> list[tuple[int, dict[str, Any]]]:
    """The oldest pending entries, locked (another replica drains the next ones)."""
    query = (
        sa.select(access_outbox.c.id, access_outbox.c.entry)
        .order_by(access_outbox.c.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    return [(int(i), dict(e)) for i, e in (await session.execute(query)).all()]


async def delete(session: AsyncSession, ids: list[int]) -> None:
    await session.execute(sa.delete(access_outbox).where(access_outbox.c.id.in_(ids)))


async def count_attempt(session: AsyncSession, ids: list[int]) -> None:
    await session.execute(
        sa.update(access_outbox).where(access_outbox.c.id.in_(ids)).values(attempts=access_outbox.c.attempts + 1)
    )


async def pending(session: AsyncSession) -> int:
    return int((await session.execute(sa.select(sa.func.count()).select_from(access_outbox))).scalar_one())
