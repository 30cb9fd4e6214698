"""Serving the feed: a page of changes after a cursor, as the JSON followers read."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from registry.store.outbox import read_changes_json


async def changes_page(session: AsyncSession, *, after: int, limit: int) -> str:
    """Changes after `after`, in commit order, as a ChangePage JSON document."""
    page = await read_changes_json(session, after=after, limit=limit)
    next_cursor = page.last if page.last is not None else after
    # ChangePage's shape, assembled around the items PostgreSQL serialised (see read_changes_json).
    return f'{{"items":{page.items},"next_cursor":"{next_cursor}","head":{page.head}}}'
