"""A service's events feed: facts worth telling subscribers (a statement approved, a ranking run
finished), appended in the transaction that made the fact true and served in commit order at
`GET /internal/v1/events?after=` to followers (the webhooks service) with servicekit.feed.

The same transactional-outbox rules as the registry's change feed: writers take one
transaction-scoped advisory lock before appending, so sequence numbers become visible in order and
a follower's cursor can never pass a row that commits later. An event carries ids only, never
personal data; `key` makes an append idempotent (a milestone is reached once, however often the
statement that shows it is recomputed).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from fastapi import APIRouter, Response
from pydantic_core import to_json
from sqlalchemy.dialects.postgresql import JSONB, insert
from sqlalchemy.ext.asyncio import AsyncSession

from .auth import require_scope
from .columns import moment, optional, primary, required
from .db import SessionDep
from .feed_query import DEFAULT_LIMIT, FeedAfter, FeedLimit, feed_position
from .routing import JsonRoute
from .tables import NAMING_CONVENTION

EVENTS_LOCK_ID = 0x0E0E_FEED
EVENTS_PATH = "/internal/v1/events"


ROW_SECURITY = [
    "ALTER TABLE events ENABLE ROW LEVEL SECURITY",
    "ALTER TABLE events FORCE ROW LEVEL SECURITY",
    "CREATE POLICY tenant_isolation ON events USING {p} WITH CHECK {p}".format(
        p="(current_setting('app.tenant', true) = '*' OR municipality = current_setting('app.tenant', true))"
    ),
]


def create_event_table(bind: sa.Connection) -> None:
    """The migration step: the table and its row-level security (a national event, with no
    municipality, is written and read as `*` only)."""
    event_table(sa.MetaData(naming_convention=NAMING_CONVENTION)).create(bind)
    for statement in ROW_SECURITY:
        bind.execute(sa.text(statement))


def event_table(metadata: sa.MetaData) -> sa.Table:
    """`events`: the feed's rows, under row-level security like every table with a municipality
    (`events_row_security` in the migration): the services' internal clients read as `*`."""
    return sa.Table(
        "events",
        metadata,
        primary("seq", sa.BigInteger, sa.Identity(always=False)),
        required("key", sa.Text, unique=True),
        required("type", sa.Text),
        # None for a national fact (a ranking run covers every municipality).
        optional("municipality", sa.Text),
        required("data", JSONB),
        moment("occurred_at"),
    )


@dataclass(frozen=True)
class Event:
    """A fact to append: `key` unique per fact, `data` ids and codes only."""

    key: str
    type: str
    municipality: str | None
    data: dict[str, Any]

    @classmethod
    def about(cls, type_: str, subject: str, *, municipality: str | None, data: dict[str, Any]) -> Event:
        """The fact `type_` about `subject`, keyed `<type>:<subject>`: the same fact appended twice is one."""
        return cls(key=f"{type_}:{subject}", type=type_, municipality=municipality, data=data)


async def append_events(session: AsyncSession, table: sa.Table, events: list[Event]) -> None:
    """Append in the caller's transaction; an event whose key is already there is skipped."""
    if not events:
        return
    await session.execute(sa.select(sa.func.pg_advisory_xact_lock(EVENTS_LOCK_ID)))
    rows = [{"key": e.key, "type": e.type, "municipality": e.municipality, "data": e.data} for e in events]
    await session.execute(insert(table).values(rows).on_conflict_do_nothing(index_elements=[table.c.key]))


async def events_page(session: AsyncSession, table: sa.Table, *, after: int, limit: int) -> dict[str, Any]:
    """The page after `after`: {items, next_cursor, head}, the shape servicekit.feed follows."""
    rows = (
        await session.execute(
            sa.select(table.c.seq, table.c.type, table.c.municipality, table.c.occurred_at, table.c.data)
            .where(table.c.seq > after)
            .order_by(table.c.seq)
            .limit(limit)
        )
    ).all()
    head = await session.scalar(sa.select(sa.func.coalesce(sa.func.max(table.c.seq), 0)))
    items = [row._asdict() for row in rows]
    return {"items": items, "next_cursor": str(rows[-1].seq if rows else after), "head": int(head or 0)}


def events_router(table: sa.Table) -> APIRouter:
    """`GET /internal/v1/events` over `table` (scope internal)."""
    router = APIRouter(route_class=JsonRoute, prefix=EVENTS_PATH, tags=["internal"])

    @router.get("", dependencies=[require_scope("internal")])
    async def read_events(
        session: SessionDep,
        after: FeedAfter = None,
        limit: FeedLimit = DEFAULT_LIMIT,
    ) -> Response:
        """Events after a cursor, in commit order (scope internal)."""
        page = await events_page(session, table, after=feed_position(after), limit=limit)
        return Response(content=to_json(page), media_type="application/json")

    return router
