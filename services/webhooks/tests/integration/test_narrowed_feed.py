"""Webhooks reads only the registry's enrolments: the citizens on its feed never reach the service,
and its cursor still moves past them."""

from typing import Any

from fastapi import FastAPI

from servicekit.feed import FeedConsumer
from servicekit.feed_cursor import CursorFollower
from tests.conftest import FakeSources


async def test_the_registry_feed_is_read_for_enrolments_only_and_its_cursor_passes_the_rest(
    sources: FakeSources, followers: dict[str, FeedConsumer], webhooks_app: FastAPI
) -> None:
    registry = followers["registry"]
    sources.enrolment("DK-0336")
    for _ in range(3):
        sources.citizen("DK-0336")
    asked_before = len(sources.asked)
    applied: list[dict[str, Any]] = []
    follower: CursorFollower = registry.follower  # type: ignore[assignment]
    original = follower.apply

    async def recording(session: Any, items: list[dict[str, Any]]) -> None:
        applied.extend(items)
        await original(session, items)

    follower.apply = recording
    try:
        await registry.catch_up()
    finally:
        follower.apply = original

    asked = sources.asked[asked_before:]
    assert asked
    assert all(request.url.params.get_list("entity") == ["enrolment"] for request in asked)
    assert {item["entity"] for item in applied} <= {"enrolment"}
    head = len(sources.items["registry"])
    assert registry.position == head  # past the citizens it was never sent
    stored = await follower.stored()
    assert stored is not None
    assert stored.position == str(head)
