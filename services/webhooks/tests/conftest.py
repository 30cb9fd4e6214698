"""Webhooks fixtures: a throwaway migrated database, the app, fake source feeds and a receiver."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer
from fastapi import FastAPI

from devstack.databases import ServiceDatabase, drop_database, prepare
from servicekit.feed import FeedConsumer, FeedFollowerSettings
from servicekit.http import ServiceClient
from servicekit.testing import TokenFactory, asgi_client, started
from webhooks.feed.dispatch import Dispatcher
from webhooks.feed.sources import source_follower
from webhooks.main import create_app
from webhooks.settings import Settings

MAX_ATTEMPTS = 3
# The followers the tests step themselves: small pages, a short rest.
STEPPED = FeedFollowerSettings(feed_page_size=50, feed_poll_seconds=0.1)


class FakeSources:
    """The registry's change feed and the outcomes and matching events feeds, served from memory."""

    def __init__(self) -> None:
        self.items: dict[str, list[dict[str, Any]]] = {"registry": [], "outcomes": [], "matching": []}
        self.asked: list[httpx.Request] = []

    def enrolment(self, municipality: str, *, citizen_id: str | None = None) -> str:
        enrolment_id = str(uuid.uuid4())
        data = {
            "id": enrolment_id,
            "municipality": municipality,
            "programme": "citizen_course",
            "citizen_id": citizen_id or str(uuid.uuid4()),
            "organisation_id": None,
            "partnership_id": str(uuid.uuid4()),
            "started_on": "2026-01-05",
            "phase": "intake",
            "milestones": {},
        }
        self._add("registry", {"entity": "enrolment", "entity_id": enrolment_id, "op": "upsert", "data": data})
        self.items["registry"][-1]["municipality"] = municipality
        return enrolment_id

    def citizen(self, municipality: str) -> None:
        """A citizen's change on the registry's feed, as it carries personal data webhooks has no use for."""
        data = {"id": str(uuid.uuid4()), "birth_year": 1980, "skills": ["bb:skill:wash-dishes"]}
        self._add("registry", {"entity": "citizen", "entity_id": data["id"], "op": "upsert", "data": data})
        self.items["registry"][-1]["municipality"] = municipality

    def event(self, source: str, type_: str, municipality: str | None, data: dict[str, Any]) -> None:
        self._add(source, {"type": type_, "municipality": municipality, "data": data})

    def _add(self, source: str, item: dict[str, Any]) -> None:
        feed = self.items[source]
        feed.append({"seq": len(feed) + 1, "occurred_at": "2026-12-07T10:00:00+00:00", **item})

    def handle(self, request: httpx.Request) -> httpx.Response:
        """As the registry answers: `entity` narrows the page, and a short narrowed page's cursor is the head."""
        self.asked.append(request)
        source = request.url.host.split(".")[0]
        after = int(request.url.params.get("after") or 0)
        limit = int(request.url.params.get("limit") or 500)
        entities = request.url.params.get_list("entity")
        feed = self.items[source]
        page = [item for item in feed if item["seq"] > after and (not entities or item.get("entity") in entities)]
        page = page[:limit]
        cursor = str(page[-1]["seq"]) if page and (len(page) == limit or not entities) else str(after)
        if entities and len(page) < limit:
            cursor = str(max(len(feed), after))
        return httpx.Response(200, json={"items": page, "next_cursor": cursor, "head": len(feed)})


@dataclass(frozen=True)
class Received:
    path: str
    headers: dict[str, str]
    content: bytes


class Receiver:
    """Subscribers' endpoints on loopback: records every request; answers `status` (by path) or 204."""

    def __init__(self) -> None:
        self.requests: list[Received] = []
        self.status: dict[str, int] = {}
        app = web.Application()
        app.router.add_post("/{tail:.*}", self.handle)
        self.server = TestServer(app, host="127.0.0.1")

    async def handle(self, request: web.Request) -> web.Response:
        body = await request.read()
        self.requests.append(Received(request.path, {k.lower(): v for k, v in request.headers.items()}, body))
        return web.Response(status=self.status.get(request.path, 204))

    def url(self, path: str) -> str:
        return str(self.server.make_url(path))

    def to(self, path: str) -> list[Received]:
        return [r for r in self.requests if r.path == path]


@pytest.fixture(scope="session")
def webhooks_database(postgres_admin_url: str) -> Iterator[ServiceDatabase]:
    name = f"webhooks_test_{uuid.uuid4().hex[:8]}"
    database = prepare("webhooks", postgres_admin_url, name)
    yield database
    asyncio.run(drop_database(postgres_admin_url, name))


@pytest.fixture(scope="session")
def tokens() -> TokenFactory:
    return TokenFactory()


@pytest.fixture(scope="session")
async def receiver() -> AsyncIterator[Receiver]:
    receiver = Receiver()
    await receiver.server.start_server()
    yield receiver
    await receiver.server.close()


@pytest.fixture(scope="session")
def sources() -> FakeSources:
    return FakeSources()


@pytest.fixture(scope="session")
def webhooks_settings(webhooks_database: ServiceDatabase, tokens: TokenFactory) -> Settings:
    return Settings(
        database_url=webhooks_database.app_url,
        jwks_json=tokens.jwks_json,
        cursor_key="44" * 32,
        allow_loopback_http=True,
        dispatch_enabled=False,  # the tests step the dispatcher
        retry_base_seconds=0,  # a failed delivery is due again at once: no waiting in tests
        max_attempts=MAX_ATTEMPTS,
    )


@pytest.fixture(scope="session")
async def webhooks_app(webhooks_settings: Settings) -> AsyncIterator[FastAPI]:
    async with started(create_app(webhooks_settings)) as app:
        yield app


@pytest.fixture(scope="session")
async def client(webhooks_app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async with asgi_client(webhooks_app, "http://webhooks.test") as http:
        yield http


@pytest.fixture(scope="session")
async def followers(sources: FakeSources, webhooks_app: FastAPI) -> AsyncIterator[dict[str, FeedConsumer]]:
    """The service's followers over the fake feeds, stepped by the tests."""
    transport = httpx.MockTransport(sources.handle)
    clients = {name: ServiceClient(f"http://{name}.test", transport=transport) for name in sources.items}
    yield {name: source_follower(name, webhooks_app.state.database, http, STEPPED) for name, http in clients.items()}
    for http in clients.values():
        await http.aclose()


@pytest.fixture
def dispatcher(webhooks_app: FastAPI) -> Dispatcher:
    dispatcher: Dispatcher = webhooks_app.state.dispatcher
    return dispatcher


@pytest.fixture
def sync(followers: dict[str, FeedConsumer]) -> Callable[[], Any]:
    async def drain() -> int:
        return sum([await feed.catch_up() for feed in followers.values()])

    return drain


def manager(tokens: TokenFactory, tenant: str) -> dict[str, str]:
    return tokens.headers(tenant=tenant, scopes=["webhooks:manage"], client_id=f"{tenant}-hooks")


@pytest.fixture
def stevns(tokens: TokenFactory) -> dict[str, str]:
    return manager(tokens, "DK-0336")


@pytest.fixture
def jammerbugt(tokens: TokenFactory) -> dict[str, str]:
    return manager(tokens, "DK-0849")
