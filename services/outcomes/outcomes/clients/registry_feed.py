"""The registry's change feed (GET /internal/v1/changes), read with a service token."""

from __future__ import annotations

from typing import Any

from servicekit.http import ServiceClient


class RegistryFeed:
    """Pages of changes after a cursor, in commit order."""

    def __init__(self, client: ServiceClient) -> None:
        self.client = client

    async def changes(self, *, after: str | None, limit: int) -> dict[str, Any]:
        params: dict[str, Any] = {"limit": limit}
        if after:
            params["after"] = after
        page: dict[str, Any] = await self.client.get_json("/internal/v1/changes", params=params)
        return page

    async def aclose(self) -> None:
        await self.client.aclose()
