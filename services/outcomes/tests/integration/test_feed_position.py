"""What the registry's erasure status relies on in outcomes: GET /internal/v1/feed-position (how far
the registry's feed is applied) and erasures applied from the feed, a batch of them as one run."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
from fastapi import FastAPI

from outcomes.store import projection
from servicekit.db import set_tenant

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


async def test_a_run_of_erasures_on_a_page_erases_each_in_feed_order(
    outcomes_app: FastAPI, registry: FakeRegistryFeed, sync: Any
) -> None:
    """A batch erasure puts thousands of `erased` entries in a row; they are applied as one run."""
    first, second, kept = (str(uuid.uuid4()) for _ in range(3))
    benefit = {"type": "x", "monthly_amount": 5, "since": "2024-01-01"}
    for citizen in (first, second, kept):
        registry.add("citizen", citizen, "DK-0336", {"target_group": "cash_benefit", "benefit": benefit})
    for citizen in (first, second, first):  # the tombstone of an earlier entry repeats the erasure
        registry.add("citizen", citizen, "DK-0336", None, op="erased")
    registry.add("citizen", kept, "DK-0336", {"target_group": "flexjob", "benefit": benefit})
    await sync()
    async with outcomes_app.state.database.sessions() as session, session.begin():
        await set_tenant(session, "*")
        rows = {c: await projection.get_citizen(session, uuid.UUID(c)) for c in (first, second, kept)}
    states = {c: (row.erased_at is not None, row.benefit is None, row.target_group) for c, row in rows.items()}
    assert states[first][:2] == states[second][:2] == (True, True)
    assert states[kept] == (False, False, "flexjob")
