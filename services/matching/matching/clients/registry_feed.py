"""Typed client of the registry's change feed (GET /internal/v1/changes)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from servicekit.http import ServiceClient


@dataclass(frozen=True)
class Change:
    seq: int
    entity: str
    entity_id: str
    op: str
    municipality: str | None
    data: dict[str, Any] | None


@dataclass(frozen=True)
class ChangePage:
    items: list[Change]
    next_cursor: str
    head: int


class RegistryFeed:
    def __init__(self, client: ServiceClient) -> None:
        self.client = client

    async def changes(self, *, after: str | None, limit: int) -> ChangePage:
        """One page of changes after `after` (None: from the start), in commit order."""
        params: dict[str, Any] = {"limit": limit}
        if after:
            params["after"] = after
        payload = await self.client.get_json("/internal/v1/changes", params=params)
        return ChangePage(
            items=[
                Change(
                    seq=int(item["seq"]),
                    entity=item["entity"],
                    entity_id=str(item["entity_id"]),
                    op=item["op"],
                    municipality=item.get("municipality"),
                    data=item.get("data"),
                )
                for item in payload["items"]
            ],
            next_cursor=str(payload["next_cursor"]),
            head=int(payload["head"]),
        )
