"""Every follower reports its feeds to /readyz in one shape, and with a lag limit is ready only once
each feed was read and stands within it."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any, cast

import httpx
from fastapi import Request

from servicekit.feed import FeedConsumer, feeds_readiness
from servicekit.http import ServiceClient


class Pages:
    def __init__(self, head: int, seqs: list[int]) -> None:
        self.head, self.seqs = head, seqs

    def answer(self, request: httpx.Request) -> httpx.Response:
        items = [{"seq": seq} for seq in self.seqs]
        return httpx.Response(200, json={"items": items, "next_cursor": str(self.seqs[-1]), "head": self.head})


class Cursor:
    async def load_cursor(self) -> str | None:
        return None

    async def apply_page(self, items: list[dict[str, Any]], next_cursor: str) -> None:
        return None


def follower(name: str, head: int, seqs: list[int]) -> FeedConsumer:
    transport = httpx.MockTransport(Pages(head, seqs).answer)
    client = ServiceClient("http://feed.test", token=None, transport=transport)
    return FeedConsumer(client=client, follower=Cursor(), name=name)


def request_for(feeds: dict[str, FeedConsumer]) -> Request:
    return cast(Request, SimpleNamespace(app=SimpleNamespace(state=SimpleNamespace(feeds=feeds))))


async def test_each_feed_reports_position_head_lag_and_error_and_readiness_waits_for_the_laggard() -> None:
    near, far = follower("registry", head=12, seqs=[10, 11]), follower("outcomes", head=500, seqs=[3])
    feeds = {"registry": near, "outcomes": far}
    never_read = await feeds_readiness(max_lag=100)(request_for(feeds))
    assert never_read["ready"] is False
    assert never_read["feeds"]["registry"] == {"position": 0, "head": 0, "lag": 0, "last_error": None}

    await near.poll_once()
    await far.poll_once()
    answer = await feeds_readiness(max_lag=100)(request_for(feeds))
    assert answer == {
        "feeds": {
            "registry": {"position": 11, "head": 12, "lag": 1, "last_error": None},
            "outcomes": {"position": 3, "head": 500, "lag": 497, "last_error": None},
        },
        "ready": False,
    }
    assert (await feeds_readiness(max_lag=497)(request_for(feeds)))["ready"] is True
    assert "ready" not in await feeds_readiness()(request_for(feeds))  # reported, not awaited
