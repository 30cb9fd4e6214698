"""Where the follower of the registry's change feed has got to (servicekit's one `feed_cursors` shape)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from servicekit.feed_cursor import FeedCursor, ensure_feed_cursor, load_feed_cursor, save_feed_cursor

from .tables import feed_cursors

REGISTRY_FEED = "registry"

__all__ = ["REGISTRY_FEED", "FeedCursor", "ensure_cursor", "read_cursor", "save_cursor"]


async def read_cursor(session: AsyncSession, feed: str = REGISTRY_FEED, *, lock: bool = False) -> FeedCursor | None:
    return await load_feed_cursor(session, feed_cursors, feed, lock=lock)


async def save_cursor(
    session: AsyncSession, *, position: str, applied_seq: int, head: int, feed: str = REGISTRY_FEED
) -> None:
    await save_feed_cursor(session, feed_cursors, feed, position=position, applied_seq=applied_seq, head=head)


async def ensure_cursor(session: AsyncSession, feed: str = REGISTRY_FEED) -> None:
    await ensure_feed_cursor(session, feed_cursors, feed)
