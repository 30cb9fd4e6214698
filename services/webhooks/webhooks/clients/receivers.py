"""The subscribers' endpoints: one POST per attempt, no redirects followed, no retries here (the
outbox schedules them), one shared connection pool."""

from __future__ import annotations

from dataclasses import dataclass

import httpx


@dataclass(frozen=True)
class Answer:
    status_code: int | None
    error: str | None

    @property
    def delivered(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


class Receivers:
    def __init__(
        self, *, timeout: float, max_connections: int, transport: httpx.AsyncBaseTransport | None = None
    ) -> None:
        self.http = httpx.AsyncClient(
            timeout=httpx.Timeout(timeout, connect=min(timeout, 5.0)),
            follow_redirects=False,
            limits=httpx.Limits(max_connections=max_connections, max_keepalive_connections=max_connections),
            transport=transport,
        )

    async def post(self, url: str, *, body: bytes, headers: dict[str, str]) -> Answer:
        """The receiver's status, or the kind of transport error (never its text: it may echo the URL)."""
        try:
            response = await self.http.post(url, content=body, headers=headers)
        except httpx.HTTPError as exc:
            return Answer(None, type(exc).__name__)
        return Answer(response.status_code, None)

    async def aclose(self) -> None:
        await self.http.aclose()
