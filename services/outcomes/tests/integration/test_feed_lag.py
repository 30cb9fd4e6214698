"""An outcome event for a citizen the feed has not brought yet: catch up, else 503 with Retry-After."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from servicekit.feed import FeedCheck, feed_check
from tests.conftest import FakeRegistryFeed
from tests.integration.test_outcome_events import placement
from tests.integration.world import add_citizen, add_partnership


@pytest.fixture
def feed_answers(outcomes_app: FastAPI) -> Iterator[list[FeedCheck]]:
    """Set `feed_answers[0]` to what catching up does in a test."""
    answers: list[FeedCheck] = []

    async def override() -> FeedCheck:
        return answers[0]

    outcomes_app.dependency_overrides[feed_check] = override
    yield answers
    outcomes_app.dependency_overrides.pop(feed_check)


async def test_citizen_created_a_moment_ago_is_accepted_after_catching_up(
    client: httpx.AsyncClient, stevns: dict[str, str], registry: FakeRegistryFeed, sync: Any, feed_answers: list[Any]
) -> None:
    citizen = add_citizen(registry, add_partnership(registry))  # on the registry's feed, not yet here

    async def catch_up() -> bool:
        await sync()
        return True

    feed_answers.append(catch_up)
    response = await client.post("/v1/outcome-events", json=placement(citizen), headers=stevns)
    assert response.status_code == 201, response.text


async def test_citizen_not_yet_on_a_lagging_feed_is_503_with_retry_after(
    client: httpx.AsyncClient, stevns: dict[str, str], registry: FakeRegistryFeed, sync: Any, feed_answers: list[Any]
) -> None:
    await sync()
    citizen = add_citizen(registry, add_partnership(registry))

    async def registry_unreachable() -> bool:
        return False

    feed_answers.append(registry_unreachable)
    single = await client.post("/v1/outcome-events", json=placement(citizen), headers=stevns)
    assert single.status_code == 503, single.text
    assert single.headers["Retry-After"] == "2"
    assert [error["field"] for error in single.json()["errors"]] == ["citizen_id"]
    batch = await client.post("/v1/outcome-events:batch", json={"items": [placement(citizen)]}, headers=stevns)
    assert batch.status_code == 200, batch.text
    assert batch.json()["items"][0]["problem"]["status"] == 503
    await sync()


async def test_unknown_citizen_on_a_current_feed_is_422(
    client: httpx.AsyncClient, stevns: dict[str, str], registry: FakeRegistryFeed, sync: Any, feed_answers: list[Any]
) -> None:
    async def current() -> bool:
        return True

    feed_answers.append(current)
    response = await client.post(
        "/v1/outcome-events", json=placement("6f1c7d1e-3b0a-4c53-9d4e-2f0a1c9b8e77"), headers=stevns
    )
    assert response.status_code == 422
    assert [error["field"] for error in response.json()["errors"]] == ["citizen_id"]
