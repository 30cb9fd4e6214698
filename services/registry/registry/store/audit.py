"""The audit log of reads of citizens' personal data."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from registry.store.rows import scoped
from registry.store.tables import audit_events


async def record(
    session: AsyncSession,
    *,
    citizens: Sequence[tuple[uuid.UUID, str]],
    actor: str,
    action: str,
    purpose: str | None,
    request_id: str | None,
) -> None:
    """One audit row per (citizen id, municipality) read, in the reading transaction."""
    if not citizens:
        return
    rows = [
        {
            "citizen_id": cid,
            "municipality": municipality,
            "actor": actor,
            "action": action,
            "purpose": purpose,
            "request_id": request_id,
        }
        for cid, municipality in citizens
    ]
    await session.execute(sa.insert(audit_events), rows)


async def list_for_citizen(
    session: AsyncSession, *, citizen_id: uuid.UUID, tenant: str, after_id: int | None, limit: int
) -> list[sa.Row[Any]]:
    query = sa.select(audit_events).where(audit_events.c.citizen_id == citizen_id)
    if after_id is not None:
        query = query.where(audit_events.c.id > after_id)
    query = scoped(query, audit_events, tenant).order_by(audit_events.c.id).limit(limit)
    return list((await session.execute(query)).all())
