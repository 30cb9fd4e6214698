"""Where a follower of the registry's change feed has got to: one table shape for every follower.

The cursor is saved in the same transaction as the changes applied from a page (see
servicekit.feed), so a crash can neither lose nor double-apply a change. `feed_position_router`
serves it as `GET /internal/v1/feed-position`: the registry asks every follower before it calls an
erasure completed (a follower has applied an erasure once its `applied_seq` reaches the entry).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated, Any

import sqlalchemy as sa
from fastapi import APIRouter
from pydantic import BaseModel, Field
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from .auth import Principal, require_scope
from .columns import moment, primary, required
from .db import Database, SessionDep, set_tenant
from .municipalities import NATIONAL
from .routing import JsonRoute

FEED_POSITION_PATH = "/internal/v1/feed-position"


def feed_cursor_table(metadata: sa.MetaData) -> sa.Table:
    """`feed_cursors`: one row per feed followed (`registry` today)."""
    return sa.Table(
        "feed_cursors",
        metadata,
        primary("feed", sa.Text),
        # The registry's opaque cursor to pass as `after=` next time.
        required("position", sa.Text),
        # The sequence number of the last change applied, and the feed's head when it was read:
        # their difference is the follower's lag (readiness, benchmarks).
        required("applied_seq", sa.BigInteger, server_default="0"),
        required("head", sa.BigInteger, server_default="0"),
        moment("updated_at"),
    )


@dataclass(frozen=True)
class FeedCursor:
    feed: str
    position: str
    applied_seq: int
    head: int


async def load_feed_cursor(
    session: AsyncSession, table: sa.Table, feed: str, *, lock: bool = True
) -> FeedCursor | None:
    """The stored cursor; `lock` holds the row so two pollers never apply the same page at once."""
    query = sa.select(table.c.feed, table.c.position, table.c.applied_seq, table.c.head).where(table.c.feed == feed)
    if lock:
        query = query.with_for_update()
    row = (await session.execute(query)).first()
    return FeedCursor(row.feed, row.position, int(row.applied_seq), int(row.head)) if row else None


async def save_feed_cursor(
    session: AsyncSession, table: sa.Table, feed: str, *, position: str, applied_seq: int, head: int
) -> None:
    values = {"position": position, "applied_seq": applied_seq, "head": head}
    statement = insert(table).values(feed=feed, **values)
    await session.execute(
        statement.on_conflict_do_update(index_elements=[table.c.feed], set_={**values, "updated_at": sa.func.now()})
    )


async def ensure_feed_cursor(session: AsyncSession, table: sa.Table, feed: str) -> None:
    """Create the feed's row if it is missing, so the first page can lock it like every later one."""
    await session.execute(insert(table).values(feed=feed, position="").on_conflict_do_nothing())


class FeedPosition(BaseModel):
    """How far a follower has applied a feed (`GET /internal/v1/feed-position`)."""

    feed: str = Field(description="The feed followed (`registry`)")
    applied_seq: int = Field(ge=0, description="Sequence number of the last change applied (0: none yet)")
    head: int = Field(ge=0, description="The feed's newest sequence number when the follower last read a page")


def feed_position_router(table: sa.Table, feed: str = "registry") -> APIRouter:
    """`GET /internal/v1/feed-position` over a service's `feed_cursors` table (scope `internal`)."""
    router = APIRouter(route_class=JsonRoute, tags=["internal"])

    @router.get(FEED_POSITION_PATH, response_model=FeedPosition)
    async def feed_position(
        session: SessionDep, principal: Annotated[Principal, require_scope("internal")]
    ) -> FeedPosition:
        """The last registry feed position this service has applied (the registry's erasure status reads it)."""
        cursor = await load_feed_cursor(session, table, feed, lock=False)
        if cursor is None:
            return FeedPosition(feed=feed, applied_seq=0, head=0)
        return FeedPosition(feed=feed, applied_seq=cursor.applied_seq, head=cursor.head)

    return router


ApplyChanges = Callable[[AsyncSession, list[dict[str, Any]]], Awaitable[None]]
AfterCommit = Callable[[list[dict[str, Any]]], None]


class CursorFollower:
    """`load_cursor` and `apply_page` for servicekit.feed.FeedConsumer over a `feed_cursors` table:
    `apply` writes a page's changes and the cursor moves in the same transaction. Changes at or
    before the stored position are skipped (another replica applied them): the cursor never moves
    back and nothing is applied twice. `after_commit` hears the changes applied once they are
    committed (matching rebuilds the opening catalogues a page changed)."""

    def __init__(
        self,
        database: Database,
        table: sa.Table,
        feed: str,
        apply: ApplyChanges,
        *,
        after_commit: AfterCommit | None = None,
    ) -> None:
        self.database = database
        self.table = table
        self.feed = feed
        self.apply = apply
        self.after_commit = after_commit

    async def stored(self) -> FeedCursor | None:
        """The stored cursor as it is now (not locked)."""
        async with self.database.sessions() as session, session.begin():
            await set_tenant(session, NATIONAL)
            return await load_feed_cursor(session, self.table, self.feed, lock=False)

    async def load_cursor(self) -> str | None:
        cursor = await self.stored()
        return cursor.position if cursor and cursor.position else None

    async def applied_position(self) -> tuple[int, int]:
        """(last applied feed position, the feed head when it was applied), from the database: what
        every replica together has applied, not only this one."""
        cursor = await self.stored()
        return (cursor.applied_seq, cursor.head) if cursor else (0, 0)

    async def apply_page(self, items: list[dict[str, Any]], next_cursor: str) -> None:
        async with self.database.sessions() as session, session.begin():
            await set_tenant(session, NATIONAL)
            await ensure_feed_cursor(session, self.table, self.feed)
            cursor = await load_feed_cursor(session, self.table, self.feed, lock=True)
            applied = cursor.applied_seq if cursor else 0
            fresh = [change for change in items if int(change["seq"]) > applied]
            # A narrowed feed's cursor passes what it did not send: that is applied too (it needs nothing).
            passed = int(next_cursor) if next_cursor.isdigit() else 0
            if not fresh and passed <= applied:
                return
            if fresh:
                await self.apply(session, fresh)
            last = max(int(fresh[-1]["seq"]) if fresh else 0, passed)
            head = max(last, cursor.head if cursor else 0)
            await save_feed_cursor(session, self.table, self.feed, position=next_cursor, applied_seq=last, head=head)
        if self.after_commit is not None and fresh:
            self.after_commit(fresh)
