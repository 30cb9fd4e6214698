"""Outcomes fixtures: a throwaway database migrated with alembic, the app, a registry feed to follow."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from devstack.databases import ServiceDatabase, drop_database, prepare
from outcomes.feed.projection import CitizenProjectionFeed
from outcomes.main import create_app
from outcomes.settings import Settings
from servicekit.feed import FeedConsumer
from servicekit.http import ServiceClient
from servicekit.testing import TokenFactory, asgi_client, started


class FakeRegistryFeed:
    """The registry's change feed contract (HELPERS.md), served from memory over an httpx transport."""

    def __init__(self) -> None:
        self.changes: list[dict[str, Any]] = []
        self.caught_up = asyncio.Event()  # set whenever a reader asks past the newest change

    def add(
        self, entity: str, entity_id: str, municipality: str, data: dict[str, Any] | None, op: str = "upsert"
    ) -> None:
        self.changes.append(
            {
                "seq": len(self.changes) + 1,
                "entity": entity,
                "entity_id": entity_id,
                "op": op,
                "municipality": municipality,
                "occurred_at": "2026-01-01T00:00:00+00:00",
                "data": data,
            }
        )

    def handle(self, request: httpx.Request) -> httpx.Response:
        assert request.url.path == "/internal/v1/changes"
        after = int(request.url.params.get("after") or 0)
        limit = int(request.url.params.get("limit") or 500)
        items = [change for change in self.changes if change["seq"] > after][:limit]
        cursor = str(items[-1]["seq"]) if items else str(after)
        if not items:
            self.caught_up.set()
        return httpx.Response(200, json={"items": items, "next_cursor": cursor, "head": len(self.changes)})


@pytest.fixture(scope="session")
def outcomes_database(postgres_admin_url: str) -> Iterator[ServiceDatabase]:
    name = f"outcomes_test_{uuid.uuid4().hex[:8]}"
    database = prepare("outcomes", postgres_admin_url, name)
    yield database
    asyncio.run(drop_database(postgres_admin_url, name))


@pytest.fixture(scope="session")
def tokens() -> TokenFactory:
    return TokenFactory()


@pytest.fixture(scope="session")
def outcomes_settings(outcomes_database: ServiceDatabase, tokens: TokenFactory) -> Settings:
    return Settings(
        database_url=outcomes_database.app_url, jwks_json=tokens.jwks_json, cursor_key="33" * 32, log_json=True
    )


@pytest.fixture(scope="session")
async def outcomes_app(outcomes_settings: Settings) -> AsyncIterator[FastAPI]:
    async with started(create_app(outcomes_settings)) as app:
        yield app


@pytest.fixture(scope="session")
async def client(outcomes_app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async with asgi_client(outcomes_app, "http://outcomes.test") as http:
        yield http


@pytest.fixture(scope="session")
def registry() -> FakeRegistryFeed:
    return FakeRegistryFeed()


@pytest.fixture(scope="session")
async def feed(registry: FakeRegistryFeed, outcomes_app: FastAPI) -> AsyncIterator[FeedConsumer]:
    """The service's consumer over the fake feed, stepped by the tests (pages of 50)."""
    service = ServiceClient("http://registry.test", transport=httpx.MockTransport(registry.handle))
    projection = CitizenProjectionFeed(outcomes_app.state.database)
    yield FeedConsumer(
        client=service,
        follower=projection,
        name="registry",
        page_size=50,
    )
    await service.aclose()


@pytest.fixture
def sync(feed: FeedConsumer) -> Any:
    async def drain() -> int:
        return await feed.catch_up()

    return drain


@pytest.fixture
def stevns(tokens: TokenFactory) -> dict[str, str]:
    scopes = ["outcomes:write", "outcomes:read", "settlements:write", "reports:read"]
    return tokens.headers(tenant="DK-0336", scopes=scopes, client_id="stevns-jc")


@pytest.fixture
def jammerbugt(tokens: TokenFactory) -> dict[str, str]:
    scopes = ["outcomes:write", "outcomes:read", "settlements:write", "reports:read"]
    return tokens.headers(tenant="DK-0849", scopes=scopes, client_id="jammerbugt-jc")


@pytest.fixture
def checker(tokens: TokenFactory) -> dict[str, str]:
    """Stevns' controller: approves or rejects the statements its job centre computes (maker-checker)."""
    return tokens.headers(tenant="DK-0336", scopes=["settlements:approve"], client_id="stevns-controller")


@pytest.fixture
def national(tokens: TokenFactory) -> dict[str, str]:
    return tokens.headers(tenant="*", scopes=["reports:read"], client_id="styrelsen")


@pytest.fixture
def internal(tokens: TokenFactory) -> dict[str, str]:
    return tokens.headers(tenant="*", scopes=["internal"], client_id="matching")
