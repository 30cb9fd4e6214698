"""Following the sources' feeds: each page's subscribable events become deliveries to every
matching subscription, in the transaction that moves the cursor (nothing lost, nothing doubled)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from servicekit.db import Database
from servicekit.events import EVENTS_PATH
from servicekit.feed import FeedConsumer, FeedFollowerSettings
from servicekit.feed_cursor import CursorFollower
from servicekit.http import ServiceClient
from webhooks.domain.event_types import events_from, payload_body
from webhooks.store import deliveries
from webhooks.store.tables import feed_cursors

# The registry publishes its change feed; outcomes and matching their events feed.
PATHS = {"registry": "/internal/v1/changes", "outcomes": EVENTS_PATH, "matching": EVENTS_PATH}
# Feeds that hold a caught-up request until a change commits (`wait`); the others are polled.
LONG_POLLED = frozenset({"registry"})
# What each feed is asked for: of the registry's changes only enrolments make an event, so the
# citizens, openings and organisations on its feed never reach this service.
NARROWED: dict[str, dict[str, list[str]]] = {"registry": {"entity": ["enrolment"]}}


def enqueue_page(source: str) -> Any:
    async def apply(session: AsyncSession, items: list[dict[str, Any]]) -> None:
        events = events_from(source, items)
        await deliveries.enqueue(
            session,
            [
                {"key": e["key"], "type": e["type"], "municipality": e["municipality"], "body": payload_body(e)}
                for e in events
            ],
        )

    return apply


def source_follower(
    source: str, database: Database, client: ServiceClient, settings: FeedFollowerSettings
) -> FeedConsumer:
    """servicekit's consumer of one source's feed, enqueuing deliveries; it long-polls a source that
    can hold its answer (the registry), the others are asked every `feed_poll_seconds`."""
    follower = CursorFollower(database, feed_cursors, source, enqueue_page(source))
    return FeedConsumer.paced(
        settings,
        client=client,
        follower=follower,
        name=source,
        path=PATHS[source],
        long_poll=source in LONG_POLLED,
        query=NARROWED.get(source),
    )
