"""A PostgreSQL NOTIFY channel heard in this process, so that long-polling readers wake on a commit.

A table's statement trigger calls `pg_notify(channel, '')`; PostgreSQL delivers it once the writing
transaction commits, so a reader woken by it finds the new rows visible. One dedicated connection per
process listens (not a pooled one: a listener must stay connected). If it cannot connect, or loses
its connection, `listening` is False and readers answer at once, as if they did not long-poll; the
next reader to ask tries to connect again, at most every `retry_seconds`.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

import asyncpg
import structlog

log = structlog.get_logger(__name__)


class ChannelListener:
    """Hears `channel` and wakes whoever armed themselves before the notification."""

    def __init__(self, url: str, channel: str, *, retry_seconds: float = 5.0) -> None:
        """`url`: where to listen, as asyncpg takes it (`Database.driver_url`)."""
        self.url = url
        self.channel = channel
        self.retry_seconds = retry_seconds
        self._connection: asyncpg.Connection | None = None
        self._woken = asyncio.Event()
        self._last_attempt = -float("inf")
        self.waiting = 0  # readers waiting now

    @property
    def listening(self) -> bool:
        return self._connection is not None and not self._connection.is_closed()

    async def start(self) -> None:
        """Connect and listen; a failure is logged and leaves readers answering at once."""
        self._last_attempt = time.monotonic()
        try:
            connection = await asyncpg.connect(self.url, timeout=5)
            await connection.add_listener(self.channel, self._heard)
        except (OSError, asyncpg.PostgresError, TimeoutError) as error:
            log.warning("listener_unavailable", channel=self.channel, error=type(error).__name__)
            return
        connection.add_termination_listener(self._lost)
        self._connection = connection

    async def stop(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None and not connection.is_closed():
            # asyncpg calls termination listeners on a close we asked for too: this one is no loss.
            connection.remove_termination_listener(self._lost)
            await connection.close()
        self._wake()  # readers waiting now answer at once

    async def armed(self) -> asyncio.Event | None:
        """An event the next notification sets (take it before reading, so none is missed between the
        read and the wait); None when not listening, i.e. when a reader should not wait."""
        if not self.listening and time.monotonic() - self._last_attempt >= self.retry_seconds:
            await self.start()
        return self._woken if self.listening else None

    async def wait(self, woken: asyncio.Event, timeout: float) -> bool:
        """Wait up to `timeout` seconds for `woken` (from `armed`); whether it came."""
        self.waiting += 1
        try:
            await asyncio.wait_for(woken.wait(), timeout=timeout)
        except TimeoutError:
            return False
        finally:
            self.waiting -= 1
        return True

    def _heard(self, *_: Any) -> None:
        self._wake()

    def _lost(self, *_: Any) -> None:
        log.warning("listener_lost", channel=self.channel)
        self._connection = None
        self._wake()

    def _wake(self) -> None:
        woken, self._woken = self._woken, asyncio.Event()
        woken.set()
