"""The followers of the registry's change feed (matching, outcomes), as the registry asks them.

Two questions: what a follower holds about a citizen (its internal export, for the citizen's
export) and how far it has applied the feed (for an erasure's status). Both go with the registry's
own client-credentials token (scope `internal`), the way matching and outcomes call the registry.
A follower that cannot be reached raises `FollowerUnavailable`; the caller says so in its answer.
"""

from __future__ import annotations

import uuid
from typing import Generic, TypeVar

import httpx
from pydantic import BaseModel, ValidationError

from registry.schemas.held_exports import MatchingHeldExport, OutcomesHeldExport
from servicekit.feed_cursor import FEED_POSITION_PATH, FeedPosition
from servicekit.http import ServiceClient, TokenSource

ExportT = TypeVar("ExportT", bound=BaseModel)


class FollowerUnavailable(Exception):
    """The follower did not answer, or answered something other than its contract."""

    def __init__(self, service: str, reason: str) -> None:
        super().__init__(f"{service}: {reason}")
        self.service = service
        self.reason = reason


class FollowerClient(Generic[ExportT]):
    """One follower over the registry's shared client for it."""

    def __init__(self, service: str, client: ServiceClient, export_model: type[ExportT]) -> None:
        self.service = service
        self.client = client
        self.export_model = export_model

    async def _get(self, path: str) -> bytes:
        try:
            response = await self.client.request("GET", path)
        except httpx.HTTPError as exc:  # refused, timed out, or no token from the gateway
            raise FollowerUnavailable(self.service, type(exc).__name__) from exc
        if response.status_code != 200:
            raise FollowerUnavailable(self.service, f"status {response.status_code}")
        return response.content

    async def citizen_export(self, citizen_id: uuid.UUID) -> ExportT:
        """What the follower holds about the citizen (empty lists when nothing; never 404)."""
        content = await self._get(f"/internal/v1/citizens/{citizen_id}/export")
        try:
            return self.export_model.model_validate_json(content)
        except ValidationError as exc:
            raise FollowerUnavailable(self.service, "answer outside its contract") from exc

    async def feed_position(self) -> int:
        """The last registry feed position the follower has applied."""
        content = await self._get(FEED_POSITION_PATH)
        try:
            return FeedPosition.model_validate_json(content).applied_seq
        except ValidationError as exc:
            raise FollowerUnavailable(self.service, "answer outside its contract") from exc

    async def aclose(self) -> None:
        await self.client.aclose()


class Followers:
    """The configured followers; either may be absent (a registry run on its own, its tests)."""

    def __init__(
        self,
        *,
        matching: FollowerClient[MatchingHeldExport] | None,
        outcomes: FollowerClient[OutcomesHeldExport] | None,
    ) -> None:
        self.matching = matching
        self.outcomes = outcomes

    def all(self) -> list[FollowerClient[MatchingHeldExport] | FollowerClient[OutcomesHeldExport]]:
        return [f for f in (self.matching, self.outcomes) if f is not None]

    async def aclose(self) -> None:
        for follower in self.all():
            await follower.aclose()


def follower_clients(
    *,
    matching_url: str | None,
    outcomes_url: str | None,
    token: TokenSource | None,
    timeout: float,
    transports: dict[str, httpx.AsyncBaseTransport] | None = None,
) -> Followers:
    """Clients for the followers with a URL (created at start-up, closed at shutdown). Two attempts,
    a short timeout: an export or a status waits seconds, not minutes, for a follower that is down."""
    transports = transports or {}

    def client(url: str, service: str) -> ServiceClient:
        return ServiceClient(url, token=token, timeout=timeout, attempts=2, transport=transports.get(service))

    return Followers(
        matching=FollowerClient("matching", client(matching_url, "matching"), MatchingHeldExport)
        if matching_url
        else None,
        outcomes=FollowerClient("outcomes", client(outcomes_url, "outcomes"), OutcomesHeldExport)
        if outcomes_url
        else None,
    )
