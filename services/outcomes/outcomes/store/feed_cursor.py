"""Where this service is in the registry's change feed: the cursor row, moved with the changes."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from outcomes.store.tables import (
    feed_cursors,
)

Row = sa.Row[Any]


async def feed_position(session: AsyncSession, consumer: str) -> Row | None:
    query = sa.select(feed_cursors).where(feed_cursors.c.consumer == consumer).with_for_update()
    return (await session.execute(query)).first()


async def save_feed_position(session: AsyncSession, consumer: str, *, cursor: str, position: int, head: int) -> None:
    statement = insert(feed_cursors).values(consumer=consumer, cursor=cursor, position=position, head=head)
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=[feed_cursors.c.consumer],
            set_={"cursor": cursor, "position": position, "head": head, "updated_at": sa.func.now()},
        )
    )
