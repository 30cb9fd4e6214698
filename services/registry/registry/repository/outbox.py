"""The transactional outbox and the change feed read from it."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from pydantic_core import to_json
from sqlalchemy.ext.asyncio import AsyncSession

from registry.models import outbox

# Every transaction that writes outbox rows takes this lock first and holds it to commit, so
# sequence numbers become visible in order and a feed cursor can never skip a late row.
OUTBOX_LOCK_ID = 0x0B0B_FEED
APPEND_MANY = sa.text(
    """
    INSERT INTO outbox (entity, entity_id, op, municipality, data)
    SELECT c.item ->> 'entity', c.item ->> 'entity_id', c.item ->> 'op', c.item ->> 'municipality',
        nullif(c.item -> 'data', 'null')
    FROM jsonb_array_elements(CAST(:changes AS jsonb)) WITH ORDINALITY AS c(item, n)
    ORDER BY c.n
    """
)


async def record_changes(session: AsyncSession, changes: list[dict[str, Any]]) -> None:
    """Append changes ({entity, entity_id, op, municipality, data}) in the caller's transaction."""
    if not changes:
        return
    await session.execute(sa.select(sa.func.pg_advisory_xact_lock(OUTBOX_LOCK_ID)))
    if len(changes) == 1:
        await session.execute(sa.insert(outbox), changes)
        return
    # Many rows (a batch) go as one JSON array in one statement, in list order.
    await session.execute(APPEND_MANY, {"changes": to_json(changes).decode()})


async def record_change(
    session: AsyncSession,
    *,
    entity: str,
    entity_id: str,
    op: str,
    municipality: str | None,
    data: dict[str, Any] | None,
) -> None:
    await record_changes(
        session, [{"entity": entity, "entity_id": entity_id, "op": op, "municipality": municipality, "data": data}]
    )


async def read_changes(session: AsyncSession, *, after: int, limit: int) -> list[sa.Row[Any]]:
    result = await session.execute(sa.select(outbox).where(outbox.c.seq > after).order_by(outbox.c.seq).limit(limit))
    return list(result.all())


async def head(session: AsyncSession) -> int:
    return int(await session.scalar(sa.select(sa.func.coalesce(sa.func.max(outbox.c.seq), 0))) or 0)
