"""Where this service is in the registry's change feed (servicekit's one `feed_cursors` shape),
moved in the same transaction as the changes it applied."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from servicekit.feed_cursor import FeedCursor, ensure_feed_cursor, load_feed_cursor, save_feed_cursor

from .tables import feed_cursors

__all__ = ["FeedCursor", "feed_position", "save_feed_position"]


async def feed_position(session: AsyncSession, feed: str) -> FeedCursor | None:
    """The stored cursor, its row locked: one replica applies a page at a time."""
    await ensure_feed_cursor(session, feed_cursors, feed)
    return await load_feed_cursor(session, feed_cursors, feed, lock=True)


async def save_feed_position(session: AsyncSession, feed: str, *, position: str, applied_seq: int, head: int) -> None:
    await save_feed_cursor(session, feed_cursors, feed, position=position, applied_seq=applied_seq, head=head)
