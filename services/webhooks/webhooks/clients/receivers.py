"""The subscribers' endpoints: one POST per attempt, no redirects followed, no retries here (the
outbox schedules them), one shared connection pool.

aiohttp rather than httpx (which the service-to-service clients use): against a local receiver it
sent 577 to 743 POSTs/s where httpx sent 42 to 105 on the same loaded machine (bench/webhooks.py), and
the gateway's proxy already relies on it.
"""

from __future__ import annotations

from dataclasses import dataclass

import aiohttp


@dataclass(frozen=True)
class Answer:
    status_code: int | None
    error: str | None

    @property
    def delivered(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


class Receivers:
    """Open with `start()` inside the event loop (the service's lifespan), close with `aclose()`."""

    def __init__(self, *, timeout: float, max_connections: int) -> None:
        self.timeout = aiohttp.ClientTimeout(total=timeout, connect=min(timeout, 5.0))
        self.max_connections = max_connections
        self._session: aiohttp.ClientSession | None = None

    def start(self) -> None:
        connector = aiohttp.TCPConnector(limit=self.max_connections, limit_per_host=self.max_connections)
        self._session = aiohttp.ClientSession(connector=connector, timeout=self.timeout, auto_decompress=False)

    async def post(self, url: str, *, body: bytes, headers: dict[str, str]) -> Answer:
        """The receiver's status, or the kind of transport error (never its text: it may echo the URL)."""
        assert self._session is not None, "Receivers.start() first"
        try:
            async with self._session.post(url, data=body, headers=headers, allow_redirects=False) as response:
                await response.read()
                return Answer(response.status, None)
        except (TimeoutError, aiohttp.ClientError, OSError) as exc:
            return Answer(None, type(exc).__name__)

    async def aclose(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None
