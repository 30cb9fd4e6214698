"""GET /internal/v1/feed-position: how far outcomes has applied the registry's feed (the registry's
erasure status waits on it)."""

from __future__ import annotations

import uuid
from typing import Any

import httpx

from ..conftest import FakeRegistryFeed


async def test_feed_position_follows_the_last_applied_change(
    client: httpx.AsyncClient, registry: FakeRegistryFeed, sync: Any, internal: dict[str, str], stevns: dict[str, str]
) -> None:
    await sync()
    registry.add("citizen", str(uuid.uuid4()), "DK-0336", None, op="erased")
    await sync()
    answer = await client.get("/internal/v1/feed-position", headers=internal)
    assert answer.status_code == 200, answer.text
    assert answer.json()["applied_seq"] == len(registry.changes)
    assert answer.json()["feed"] == "registry"
    assert (await client.get("/internal/v1/feed-position", headers=stevns)).status_code == 403
