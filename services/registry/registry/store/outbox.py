"""The transactional outbox and the change feed read from it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from pydantic_core import to_json
from sqlalchemy.ext.asyncio import AsyncSession

from registry.store.tables import outbox

# The channel the outbox's insert trigger notifies (migration 0008), heard by the feed's long polls.
CHANGES_CHANNEL = "registry_changes"
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


async def lock_outbox(session: AsyncSession) -> None:
    """Take the outbox lock (held to commit); every writer of outbox rows must, right before writing."""
    await session.execute(sa.select(sa.func.pg_advisory_xact_lock(OUTBOX_LOCK_ID)))


async def record_changes(session: AsyncSession, changes: list[dict[str, Any]]) -> None:
    """Append changes ({entity, entity_id, op, municipality, data}) in the caller's transaction."""
    if not changes:
        return
    await lock_outbox(session)
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


async def tombstone(session: AsyncSession, *, entity: str, entity_ids: list[str]) -> None:
    """Rewrite the earlier entries of these entities to tombstones: the same place in the feed, the
    op `erased` and no data, so a follower reading from the start never sees what they held."""
    if entity_ids:
        await lock_outbox(session)
        await session.execute(
            sa.update(outbox)
            .where(outbox.c.entity == entity, outbox.c.entity_id.in_(entity_ids))
            .values(op="erased", data=None)
        )


async def erasure_seq(session: AsyncSession, *, entity: str, entity_id: str) -> int | None:
    """The feed position of the entity's `erased` entry (its last; tombstones keep earlier places)."""
    query = sa.select(sa.func.max(outbox.c.seq)).where(
        outbox.c.entity == entity, outbox.c.entity_id == entity_id, outbox.c.op == "erased"
    )
    seq = (await session.execute(query)).scalar_one_or_none()
    return int(seq) if seq is not None else None


# The page is built as JSON text by PostgreSQL: the consumers want JSON, and decoding each change's
# data into Python objects only to encode it again was a tenth of the registry's CPU during sync.
PAGE_AS_JSON = sa.text(
    """
    SELECT coalesce(json_agg(json_build_object(
               'seq', c.seq, 'entity', c.entity, 'entity_id', c.entity_id, 'op', c.op,
               'municipality', c.municipality, 'occurred_at', c.occurred_at, 'data', c.data
           ) ORDER BY c.seq), '[]')::text AS items,
           max(c.seq) AS last,
           count(*) AS given,
           (SELECT coalesce(max(seq), 0) FROM outbox) AS head
    FROM (SELECT * FROM outbox
          WHERE seq > :after AND (CAST(:entities AS text[]) IS NULL OR entity = ANY(CAST(:entities AS text[])))
          ORDER BY seq LIMIT :limit) AS c
    """
).columns(items=sa.Text, last=sa.BigInteger, given=sa.Integer, head=sa.BigInteger)


@dataclass(frozen=True)
class ChangesJson:
    items: str  # a JSON array of changes in feed order
    last: int | None  # the sequence number of the last one (None: no changes after the cursor)
    head: int  # the newest sequence number in the feed
    # Where the next page starts: after the last change given, or, when a page of only some entities
    # came short, at the head (every such change up to it was given: rows become visible in `seq` order).
    next_after: int


async def read_changes_json(
    session: AsyncSession, *, after: int, limit: int, entities: Sequence[str] | None = None
) -> ChangesJson:
    """Up to `limit` changes after `after`, of `entities` only when given."""
    params = {"after": after, "limit": limit, "entities": list(entities) if entities else None}
    row = (await session.execute(PAGE_AS_JSON, params)).one()
    head, last = int(row.head), row.last
    if entities and row.given < limit:  # none of those entities is left before the head
        return ChangesJson(row.items, last, head, max(head, after))
    return ChangesJson(row.items, last, head, last if last is not None else after)
