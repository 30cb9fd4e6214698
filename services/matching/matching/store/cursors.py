"""Where the follower of the registry's change feed has got to: one `feed_cursors` row per feed."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from .tables import feed_cursors

REGISTRY_FEED = "registry"


@dataclass(frozen=True)
class FeedCursor:
    position: str
    applied_seq: int
    head: int


async def read_cursor(session: AsyncSession, feed: str = REGISTRY_FEED, *, lock: bool = False) -> FeedCursor | None:
    query = sa.select(feed_cursors).where(feed_cursors.c.feed == feed)
    if lock:
        query = query.with_for_update()
    row = (await session.execute(query)).first()
    return None if row is None else FeedCursor(str(row.position), int(row.applied_seq), int(row.head))


async def save_cursor(
    session: AsyncSession, *, position: str, applied_seq: int, head: int, feed: str = REGISTRY_FEED
) -> None:
    values = {"feed": feed, "position": position, "applied_seq": applied_seq, "head": head, "updated_at": sa.func.now()}
    statement = insert(feed_cursors).values(values)
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=[feed_cursors.c.feed], set_={k: statement.excluded[k] for k in values}
        )
    )


async def ensure_cursor(session: AsyncSession, feed: str = REGISTRY_FEED) -> None:
    await session.execute(insert(feed_cursors).values(feed=feed, position="").on_conflict_do_nothing())
