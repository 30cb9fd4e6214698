"""The citizen's served lists and decisions are lists like every other: pages of `limit` with a
cursor, newest first, each record once."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import httpx

from ..factories import citizen, opening
from .test_recommendations import create

Sync = Callable[[], Awaitable[None]]


async def _every_page(
    client: httpx.AsyncClient, path: str, params: dict[str, Any], headers: dict[str, str]
) -> list[str]:
    ids: list[str] = []
    cursor = None
    while True:
        answer = await client.get(
            path, params={**params, "limit": 2, **({"cursor": cursor} if cursor else {})}, headers=headers
        )
        assert answer.status_code == 200, answer.text
        page = answer.json()
        assert len(page["items"]) <= 2
        ids += [item["id"] for item in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            return ids


async def test_served_lists_and_decisions_come_in_pages_newest_first(
    registry: httpx.AsyncClient,
    client: httpx.AsyncClient,
    stevns_registry: dict[str, str],
    reader: dict[str, str],
    employer: str,
    sync: Sync,
) -> None:
    job = (await create(registry, "/v1/openings", opening(employer), stevns_registry))["id"]
    person = (await create(registry, "/v1/citizens", citizen(), stevns_registry))["id"]
    await sync()
    for _ in range(5):
        served = await client.get("/v1/recommendations", params={"citizen_id": person}, headers=reader)
        assert served.status_code == 200, served.text
        proposed = {"citizen_id": person, "opening_id": job, "decision": "proposed"}
        assert (await client.post("/v1/decisions", json=proposed, headers=reader)).status_code == 201

    for path in ("/v1/recommendation-logs", "/v1/decisions"):
        whole = await client.get(path, params={"citizen_id": person, "limit": 200}, headers=reader)
        assert whole.json()["next_cursor"] is None
        stamp = "served_at" if path.endswith("logs") else "decided_at"
        newest_first = [item["id"] for item in sorted(whole.json()["items"], key=lambda i: i[stamp], reverse=True)]
        assert len(newest_first) == 5
        assert [item["id"] for item in whole.json()["items"]] == newest_first
        assert await _every_page(client, path, {"citizen_id": person}, reader) == newest_first
