"""A consumer of the registry's change feed: pull pages after a stored cursor, apply, repeat.

The consumer stores its cursor in its own database in the same transaction as the changes it
applied (the `apply` callback does both), so a crash between the two can neither lose nor
double-apply a change; applying must still be idempotent, because a page may be fetched twice.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Mapping
from typing import Annotated, Any, Protocol

import httpx
import structlog
from fastapi import Depends, Request
from pydantic import Field
from pydantic_core import from_json
from pydantic_settings import BaseSettings

from .background import BackgroundLoop
from .feed_query import MAX_LIMIT, MAX_WAIT_SECONDS
from .health import ReadinessCheck
from .http import ServiceClient

Change = dict[str, Any]


class Follower(Protocol):
    """What follows a feed into a service's database (servicekit.feed_cursor.CursorFollower, or a
    service's own): the stored cursor, and a page applied with the cursor moved in one transaction."""

    async def load_cursor(self) -> str | None: ...

    async def apply_page(self, items: list[Change], next_cursor: str) -> None: ...


class FeedFollowerSettings(BaseSettings):
    """Mixed into the Settings of a service that follows feeds (env `<PREFIX>FEED_PAGE_SIZE` …), the
    pace `FeedConsumer.paced` reads."""

    # Changes asked for a page (a feed serves at most MAX_LIMIT).
    feed_page_size: int = Field(default=1000, ge=1, le=MAX_LIMIT)
    # The rest after a partial page, or after an empty one where the feed is not long-polled.
    feed_poll_seconds: float = Field(default=1.0, gt=0)
    # Caught up, ask the feed to answer when a change commits, up to this long; 0 polls instead.
    feed_wait_seconds: float = Field(default=5.0, ge=0, le=MAX_WAIT_SECONDS)


log = structlog.get_logger("servicekit.feed")

# A long poll's read timeout: the wait asked for and this much more for the answer to arrive.
LONG_POLL_MARGIN = 5.0


class FeedConsumer(BackgroundLoop):
    """Runs as a background task in the service's lifespan; `poll_once` drives it in tests. Caught up
    (a page not full), it waits `idle_seconds`; a failed poll waits from `idle_seconds` doubling up to
    `max_backoff_seconds`.

    With `wait_seconds`, the background loop long-polls when caught up: it asks the feed to hold its
    answer up to that long until a change is committed. A feed that answers at once with nothing (it
    does not long-poll, or cannot right now) is asked again after `idle_seconds`, as without
    `wait_seconds`."""

    def __init__(
        self,
        *,
        client: ServiceClient,
        follower: Follower,
        name: str,
        path: str = "/internal/v1/changes",
        page_size: int = 500,
        idle_seconds: float = 1.0,
        max_backoff_seconds: float = 30.0,
        wait_seconds: float = 0.0,
        query: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__(f"feed:{name}", idle_seconds=idle_seconds, max_backoff_seconds=max_backoff_seconds)
        self.client = client
        self.follower = follower
        self.name = name
        self.path = path
        self.page_size = page_size
        self.position = 0
        self.head = 0
        self.wait_seconds = wait_seconds
        # What else the feed is asked with: `{"entity": ["enrolment"]}` reads only those changes.
        self.query = dict(query or {})
        self.last_success: float | None = None
        self._refresh_lock = asyncio.Lock()
        self._refreshes = 0

    @classmethod
    def paced(
        cls,
        settings: FeedFollowerSettings,
        *,
        client: ServiceClient,
        follower: Follower,
        name: str,
        path: str = "/internal/v1/changes",
        long_poll: bool = True,
        query: Mapping[str, Any] | None = None,
    ) -> FeedConsumer:
        """A consumer at the service's configured pace; `long_poll=False` for a feed that answers at
        once whatever `wait` says (the events feeds); `query` narrows what the feed sends."""
        return cls(
            client=client,
            follower=follower,
            name=name,
            path=path,
            page_size=settings.feed_page_size,
            idle_seconds=settings.feed_poll_seconds,
            wait_seconds=settings.feed_wait_seconds if long_poll else 0.0,
            query=query,
        )

    @property
    def lag(self) -> int:
        return max(0, self.head - self.position)

    async def poll_once(self, *, wait: float = 0.0) -> int:
        """Fetch and apply one page; the number of changes applied (0 when caught up). `wait`: let
        the feed hold its answer up to that many seconds until there is a change."""
        cursor = await self.follower.load_cursor()
        params: dict[str, Any] = {**self.query, "limit": self.page_size}
        if cursor:
            params["after"] = cursor
        options: dict[str, Any] = {}
        if wait > 0:
            params["wait"] = wait
            options["timeout"] = httpx.Timeout(wait + LONG_POLL_MARGIN, connect=2.0)
        response = await self.client.request("GET", self.path, params=params, **options)
        response.raise_for_status()
        page = from_json(response.content)  # pages of 1,000 changes: ~3x faster than json.loads
        items: list[Change] = page["items"]
        next_cursor = str(page["next_cursor"])
        moved = next_cursor.isdigit() and int(next_cursor) > (int(cursor) if cursor and cursor.isdigit() else 0)
        if items or moved:
            # A narrowed feed moves the cursor past what it did not send, with or without items.
            await self.follower.apply_page(items, next_cursor)
            self.position = int(next_cursor) if next_cursor.isdigit() else int(items[-1]["seq"])
        elif cursor and cursor.isdigit():
            self.position = int(cursor)
        self.head = int(page.get("head", self.position))
        self.last_success = time.monotonic()
        self.last_error = None
        return len(items)

    async def catch_up(self, max_pages: int = 10_000) -> int:
        """Apply pages until the feed is drained (tests, start-up)."""
        total = 0
        for _ in range(max_pages):
            applied = await self.poll_once()
            total += applied
            if applied < self.page_size:
                break
        return total

    async def refresh(self, max_pages: int = 2) -> None:
        """Catch up now, for a request that asked about something the feed may not have brought yet
        (a citizen created a moment ago). Concurrent callers share one catch-up; a feed that cannot
        be reached leaves the answer to the caller's second look-up."""
        seen = self._refreshes
        async with self._refresh_lock:
            if self._refreshes != seen:
                return  # another request caught up while this one waited
            try:
                await self.catch_up(max_pages=max_pages)
            except (httpx.HTTPError, OSError) as exc:
                self.last_error = type(exc).__name__
                log.warning("feed_refresh_failed", feed=self.name, error=type(exc).__name__)
            finally:
                self._refreshes += 1

    async def caught_up_now(self) -> bool:
        """Catch up now (shared with concurrent callers); whether this service has everything the
        feed held a moment ago: no error reaching it and nothing left behind."""
        await self.refresh()
        return self.last_error is None and self.lag == 0

    async def step(self) -> bool:
        """One page; whether to ask again at once: a full page came (more is waiting), or a long poll
        was held until its wait ran out. After a partial page the loop rests `idle_seconds`, long poll
        or not: a busy feed (a bulk sync) is then read in pages instead of one commit at a time, which
        on a shared machine took CPU from the sync itself."""
        if not self.wait_seconds:
            return await self.poll_once() >= self.page_size
        started = time.monotonic()
        applied = await self.poll_once(wait=self.wait_seconds)
        if applied:
            return applied >= self.page_size
        return time.monotonic() - started >= self.wait_seconds / 2

    def failed(self, error: Exception, retry_in: float) -> str:
        if isinstance(error, (httpx.HTTPError, OSError, KeyError, ValueError)):
            log.warning("feed_poll_failed", feed=self.name, error=type(error).__name__, retry_in=retry_in)
            return type(error).__name__
        log.exception("feed_apply_failed", feed=self.name)  # a bug in apply: loud, and the service stays up
        return "apply_failed"

    @property
    def caught_up(self) -> bool:
        """The follower has read the feed at least once, without error, and stands at its head."""
        return self.last_success is not None and self.last_error is None and self.lag == 0

    def report(self) -> dict[str, Any]:
        """Where the follower stands, for /readyz: the last change applied, the head it last saw,
        their difference and the last error, if any."""
        return {"position": self.position, "head": self.head, "lag": self.lag, "last_error": self.last_error}

    def within(self, max_lag: int) -> bool:
        """Read at least once (before that the service knows no citizen), and at most `max_lag`
        changes behind the head."""
        return self.last_success is not None and self.lag <= max_lag


def feeds_readiness(max_lag: int | None = None) -> ReadinessCheck:
    """The /readyz check of a service following feeds (`app.state.feeds`, by feed name): each one's
    `report()` under `feeds`; with `max_lag`, not ready until every one is `within(max_lag)`."""

    async def feeds(request: Request) -> dict[str, Any]:
        followed: Mapping[str, FeedConsumer] = request.app.state.feeds
        answer: dict[str, Any] = {"feeds": {name: feed.report() for name, feed in followed.items()}}
        if max_lag is not None:
            answer["ready"] = all(feed.within(max_lag) for feed in followed.values())
        return answer

    return feeds


FeedCheck = Callable[[], Awaitable[bool]]


async def _no_feed() -> bool:
    return True


async def feed_check(request: Request) -> FeedCheck:
    """For a request that missed something the feed brings (a citizen created a moment ago):
    `await check()` catches the service up and says whether it is current; without a feed, True."""
    feed: FeedConsumer | None = getattr(request.app.state, "feed", None)
    return _no_feed if feed is None else feed.caught_up_now


FeedCheckDep = Annotated[FeedCheck, Depends(feed_check)]
