"""Serving the feed: a page of changes after a cursor, as the JSON followers read; long-polled on request."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, Sequence

from registry.store.outbox import ChangesJson, read_changes_json
from servicekit.db import Database, set_tenant
from servicekit.notifications import ChannelListener

# A long poll re-checks that its caller is still connected this often, so that a follower that went
# away (or stopped for a shutdown) does not hold the request open until `wait` runs out.
STILL_WANTED_EVERY = 0.5


def _page_json(page: ChangesJson) -> str:
    next_cursor = page.next_after
    # ChangePage's shape, assembled around the items PostgreSQL serialised (see read_changes_json).
    return f'{{"items":{page.items},"next_cursor":"{next_cursor}","head":{page.head}}}'


async def changes_page(
    database: Database,
    tenant: str,
    listener: ChannelListener | None,
    *,
    after: int,
    limit: int,
    wait: float = 0.0,
    gone: Callable[[], Awaitable[bool]] | None = None,
    entities: Sequence[str] | None = None,
) -> str:
    """Changes after `after`, in commit order, as a ChangePage JSON document; of `entities` only when
    given. With `wait` and none to give, the answer waits up to `wait` seconds for the outbox's commit
    notification (or the caller leaving) and reads again; no database connection is held while it waits."""
    deadline = time.monotonic() + wait
    while True:
        woken = await listener.armed() if listener is not None and wait > 0 else None
        async with database.sessions() as session, session.begin():
            await set_tenant(session, tenant)
            page = await read_changes_json(session, after=after, limit=limit, entities=entities)
        if page.last is not None or woken is None or listener is None:
            return _page_json(page)
        # Nothing of the asked entities up to the head: read again from there, not from the start.
        after = page.next_after
        while not woken.is_set():  # then read again
            remaining = deadline - time.monotonic()
            if remaining <= 0 or (gone is not None and await gone()):
                return _page_json(page)
            await listener.wait(woken, timeout=min(remaining, STILL_WANTED_EVERY))
