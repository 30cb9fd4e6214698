"""Typed client of the registry's access log (POST /internal/v1/access-log, scope internal)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from servicekit.http import ServiceClient


@dataclass(frozen=True)
class AccessLogReceipt:
    recorded: int
    unknown_citizens: list[str]


class RegistryAccessLog:
    def __init__(self, client: ServiceClient) -> None:
        self.client = client

    async def report(self, entries: list[dict[str, Any]]) -> AccessLogReceipt:
        """Send 1-1,000 entries; raises on transport errors and any answer but 2xx (retried later)."""
        response = await self.client.request("POST", "/internal/v1/access-log", json={"entries": entries})
        response.raise_for_status()
        body = response.json()
        return AccessLogReceipt(int(body["recorded"]), [str(c) for c in body.get("unknown_citizens") or []])
