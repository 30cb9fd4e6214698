"""Every SQL statement on the delivery outbox: enqueue from a feed page, claim, record, list, replay."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from pydantic_core import to_json
from sqlalchemy.ext.asyncio import AsyncSession

from webhooks.store.tables import deliveries, webhooks

# One statement per feed page: every active subscription of the event's municipality (every
# municipality for a national event) that asked for its type gets one row; a page applied twice
# adds nothing (unique webhook_id, event_key).
ENQUEUE = sa.text(
    """
    INSERT INTO deliveries (id, webhook_id, municipality, event_key, event_type, body)
    SELECT gen_random_uuid(), w.id, w.municipality, e.key, e.type, e.body
    FROM jsonb_to_recordset(CAST(:events AS jsonb)) AS e(key text, type text, municipality text, body text)
    JOIN webhooks w ON w.status = 'active' AND e.type = ANY (w.events)
        AND (e.municipality IS NULL OR w.municipality = e.municipality)
    ON CONFLICT (webhook_id, event_key) DO NOTHING
    """
)

# Due rows, oldest first, locked for this dispatcher; other replicas skip them (SKIP LOCKED).
CLAIM = sa.text(
    """
    SELECT d.id, d.body, d.attempts, w.url, w.secret
    FROM deliveries d JOIN webhooks w ON w.id = d.webhook_id
    WHERE d.status = 'pending' AND d.next_attempt_at <= now() AND w.status = 'active'
    ORDER BY d.next_attempt_at
    LIMIT :limit
    FOR UPDATE OF d SKIP LOCKED
    """
)

RECORD = sa.text(
    """
    UPDATE deliveries d SET
        status = r.status, attempts = d.attempts + 1, last_status_code = r.status_code, last_error = r.error,
        next_attempt_at = now() + make_interval(secs => r.retry_in),
        delivered_at = CASE WHEN r.status = 'delivered' THEN now() ELSE d.delivered_at END
    FROM jsonb_to_recordset(CAST(:results AS jsonb))
        AS r(id uuid, status text, status_code int, error text, retry_in float8)
    WHERE d.id = r.id
    """
)


@dataclass(frozen=True)
class Claimed:
    id: uuid.UUID
    body: str
    attempts: int
    url: str
    secret: str


@dataclass(frozen=True)
class Outcome:
    """What one attempt came to: `status` delivered | pending (retry in `retry_in` s) | failed."""

    id: uuid.UUID
    status: str
    status_code: int | None
    error: str | None
    retry_in: float = 0.0


async def enqueue(session: AsyncSession, events: list[dict[str, Any]]) -> None:
    """Events {key, type, municipality, body} become deliveries to every matching subscription."""
    if events:
        await session.execute(ENQUEUE, {"events": to_json(events).decode()})


async def claim_due(session: AsyncSession, *, limit: int) -> list[Claimed]:
    rows = (await session.execute(CLAIM, {"limit": limit})).all()
    return [Claimed(row.id, row.body, int(row.attempts), row.url, row.secret) for row in rows]


async def record_outcomes(session: AsyncSession, outcomes: list[Outcome]) -> None:
    if outcomes:
        results = [
            {
                "id": str(o.id),
                "status": o.status,
                "status_code": o.status_code,
                "error": o.error,
                "retry_in": o.retry_in,
            }
            for o in outcomes
        ]
        await session.execute(RECORD, {"results": to_json(results).decode()})


READ_COLUMNS = [c for c in deliveries.c if c.name not in ("body", "municipality", "event_key")]


async def list_deliveries(
    session: AsyncSession,
    webhook_id: uuid.UUID,
    *,
    status: str | None,
    before: tuple[datetime, uuid.UUID] | None,
    limit: int,
) -> list[sa.Row[Any]]:
    """Newest first, keyset on (created_at, id)."""
    query = (
        sa.select(*READ_COLUMNS)
        .where(deliveries.c.webhook_id == webhook_id)
        .order_by(deliveries.c.created_at.desc(), deliveries.c.id.desc())
        .limit(limit)
    )
    if status is not None:
        query = query.where(deliveries.c.status == status)
    if before is not None:
        query = query.where(sa.tuple_(deliveries.c.created_at, deliveries.c.id) < sa.tuple_(*before))
    return list((await session.execute(query)).all())


async def get_delivery(session: AsyncSession, webhook_id: uuid.UUID, delivery_id: uuid.UUID) -> sa.Row[Any] | None:
    query = sa.select(*READ_COLUMNS).where(deliveries.c.id == delivery_id, deliveries.c.webhook_id == webhook_id)
    return (await session.execute(query)).first()


async def replay(session: AsyncSession, delivery_id: uuid.UUID) -> sa.Row[Any]:
    """Send again now, with a fresh budget of attempts (the same id and body: receivers can dedupe)."""
    statement = (
        sa.update(deliveries)
        .where(deliveries.c.id == delivery_id)
        .values(status="pending", attempts=0, next_attempt_at=sa.func.now(), last_error=None)
        .returning(*READ_COLUMNS)
    )
    return (await session.execute(statement)).one()


async def pending_count(session: AsyncSession) -> int:
    """Deliveries waiting (readiness, benchmarks)."""
    query = (
        sa.select(sa.func.count())
        .select_from(deliveries.join(webhooks))
        .where(deliveries.c.status == "pending", webhooks.c.status == "active")
    )
    return int(await session.scalar(query) or 0)
