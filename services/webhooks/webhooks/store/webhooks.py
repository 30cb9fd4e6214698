"""Every SQL statement on subscriptions, scoped by tenant (row-level security backs it up)."""

from __future__ import annotations

import uuid
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from webhooks.store.tables import webhooks

READ_COLUMNS = [c for c in webhooks.c if c.name != "secret"]


async def insert_webhook(session: AsyncSession, values: dict[str, Any]) -> sa.Row[Any]:
    return (await session.execute(sa.insert(webhooks).values(values).returning(*READ_COLUMNS))).one()


async def get_webhook(session: AsyncSession, webhook_id: uuid.UUID, *, tenant: str) -> sa.Row[Any] | None:
    query = sa.select(*READ_COLUMNS).where(webhooks.c.id == webhook_id)
    if tenant != "*":
        query = query.where(webhooks.c.municipality == tenant)
    return (await session.execute(query)).first()


async def list_webhooks(
    session: AsyncSession, *, tenant: str, after: uuid.UUID | None, limit: int
) -> list[sa.Row[Any]]:
    """Up to `limit` subscriptions in id order after `after` (keyset)."""
    query = sa.select(*READ_COLUMNS).order_by(webhooks.c.id).limit(limit)
    if tenant != "*":
        query = query.where(webhooks.c.municipality == tenant)
    if after is not None:
        query = query.where(webhooks.c.id > after)
    return list((await session.execute(query)).all())


async def disable_webhook(session: AsyncSession, webhook_id: uuid.UUID) -> None:
    await session.execute(
        sa.update(webhooks)
        .where(webhooks.c.id == webhook_id, webhooks.c.status == "active")
        .values(status="disabled", disabled_at=sa.func.now(), updated_at=sa.func.now())
    )


async def set_secret(session: AsyncSession, webhook_id: uuid.UUID, secret: str) -> None:
    await session.execute(
        sa.update(webhooks)
        .where(webhooks.c.id == webhook_id)
        .values(secret=secret, secret_rotated_at=sa.func.now(), updated_at=sa.func.now())
    )
