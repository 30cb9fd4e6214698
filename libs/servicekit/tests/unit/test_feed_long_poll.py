"""The feed consumer long-polls when asked to: it sends `wait`, asks again at once when the feed held
its answer or brought changes, and rests `idle_seconds` when the feed answered at once with nothing."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from servicekit import feed
from servicekit.feed import FeedConsumer
from servicekit.http import ServiceClient


class Cursor:
    def __init__(self) -> None:
        self.applied: list[dict[str, Any]] = []

    async def load_cursor(self) -> str | None:
        return str(self.applied[-1]["seq"]) if self.applied else None

    async def apply_page(self, items: list[dict[str, Any]], next_cursor: str) -> None:
        self.applied += items


class Clock:
    """time.monotonic for the feed module; a request moves it on by what the fake feed 'held'."""

    def __init__(self) -> None:
        self.now = 0.0

    def monotonic(self) -> float:
        return self.now


def consumer(
    pages: list[tuple[list[dict[str, Any]], float]], clock: Clock, asked: list[httpx.Request], wait: float
) -> FeedConsumer:
    def answer(request: httpx.Request) -> httpx.Response:
        asked.append(request)
        items, held = pages.pop(0)
        clock.now += held
        return httpx.Response(200, json={"items": items, "next_cursor": "0", "head": 0})

    client = ServiceClient("http://registry.test", transport=httpx.MockTransport(answer))
    return FeedConsumer(client=client, follower=Cursor(), name="registry", wait_seconds=wait)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    fake = Clock()
    monkeypatch.setattr(feed, "time", fake)
    return fake


async def test_it_asks_again_at_once_when_the_feed_held_its_answer(clock: Clock) -> None:
    asked: list[httpx.Request] = []
    follower = consumer([([], 5.0)], clock, asked, wait=5.0)
    assert await follower.step() is True  # held 5 s: a long poll that ran out, ask again
    assert asked[0].url.params["wait"] == "5.0"


async def test_after_a_partial_page_it_rests_so_that_a_busy_feed_is_read_in_pages(clock: Clock) -> None:
    asked: list[httpx.Request] = []
    change = {"seq": 1, "entity": "citizen", "entity_id": "c1", "op": "upsert"}
    follower = consumer([([change], 0.2), ([change] * 500, 0.0)], clock, asked, wait=5.0)
    assert await follower.step() is False  # one change came at once: apply it, rest idle_seconds
    assert await follower.step() is True  # a full page: more is waiting


async def test_a_feed_that_answers_at_once_with_nothing_is_left_to_rest(clock: Clock) -> None:
    asked: list[httpx.Request] = []
    follower = consumer([([], 0.01)], clock, asked, wait=5.0)
    assert await follower.step() is False


async def test_without_wait_seconds_it_polls_as_before(clock: Clock) -> None:
    asked: list[httpx.Request] = []
    follower = consumer([([], 0.0)], clock, asked, wait=0.0)
    assert await follower.step() is False
    assert "wait" not in asked[0].url.params


async def test_a_narrowed_feed_moves_the_cursor_past_what_it_did_not_send() -> None:
    """`?entity=…` answers a short page with the head as its cursor: the consumer stores it even when
    the page is empty, and asks with its query every time."""
    asked: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        asked.append(request)
        return httpx.Response(200, json={"items": [], "next_cursor": "40", "head": 40})

    cursor = Cursor()
    moved: list[str] = []

    async def apply_page(items: list[dict[str, Any]], next_cursor: str) -> None:
        moved.append(next_cursor)

    cursor.apply_page = apply_page  # type: ignore[method-assign]
    client = ServiceClient("http://registry.test", transport=httpx.MockTransport(answer))
    follower = FeedConsumer(client=client, follower=cursor, name="registry", query={"entity": ["enrolment"]})
    assert await follower.poll_once() == 0
    assert moved == ["40"]
    assert follower.position == 40
    assert follower.lag == 0
    assert asked[0].url.params.get_list("entity") == ["enrolment"]
