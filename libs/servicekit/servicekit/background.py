"""Work a service does again and again beside its requests: follow a feed, drain an outbox, send due
webhooks. One loop for all of them, run as an asyncio task from the lifespan (`start`, `stop`).

A round that had nothing more to do rests `idle_seconds` before the next; a round that failed is
logged (`failed`), its error kept for readiness (`last_error`, cleared by the next good round) and
the loop waits `backoff_seconds`, doubled after each further failure up to `max_backoff_seconds`:
a dependency that is away is not hammered, and the service stays up however the round failed.
"""

from __future__ import annotations

import asyncio
import contextlib
from abc import ABC, abstractmethod

import structlog

log = structlog.get_logger("servicekit.background")


async def cancel(task: asyncio.Task[None] | None) -> None:
    """Cancel a background task and wait until it has ended."""
    if task is not None:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


class BackgroundLoop(ABC):
    """`step` again and again as one task; subclasses say what a round is and how a failure is told."""

    def __init__(
        self,
        task_name: str,
        *,
        idle_seconds: float,
        backoff_seconds: float | None = None,
        max_backoff_seconds: float | None = None,
    ) -> None:
        """`backoff_seconds` defaults to `idle_seconds`, `max_backoff_seconds` to `backoff_seconds` (no doubling)."""
        self.task_name = task_name
        self.idle_seconds = idle_seconds
        self.backoff_seconds = idle_seconds if backoff_seconds is None else backoff_seconds
        self.max_backoff_seconds = self.backoff_seconds if max_backoff_seconds is None else max_backoff_seconds
        self.last_error: str | None = None
        self._task: asyncio.Task[None] | None = None

    @abstractmethod
    async def step(self) -> bool:
        """One round of work; True when more is waiting (go again at once), False to rest `idle_seconds`."""

    def failed(self, error: Exception, retry_in: float) -> str:
        """Log a failed round; the error readiness shows until a round succeeds."""
        log.exception("background_round_failed", task=self.task_name, retry_in=retry_in)
        return type(error).__name__

    async def run_forever(self) -> None:
        backoff = self.backoff_seconds
        while True:
            try:
                more = await self.step()
            except Exception as error:  # keep the service up, keep trying, make it loud
                self.last_error = self.failed(error, backoff)
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, self.max_backoff_seconds)
                continue
            self.last_error = None
            backoff = self.backoff_seconds
            if not more:
                await asyncio.sleep(self.idle_seconds)

    def start(self) -> None:
        """Run the loop as a task of the running event loop (once: a running loop is left alone)."""
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self.run_forever(), name=self.task_name)

    async def stop(self) -> None:
        await cancel(self._task)
        self._task = None
