"""Matching service fixtures: a migrated matching database, the real registry app in-process (its
change feed), a stand-in for the outcomes service's placement-outcomes contract, and clients."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from devstack.databases import ServiceDatabase, drop_database, prepare
from matching.main import create_app
from matching.settings import Settings
from registry.main import create_app as create_registry_app
from registry.settings import Settings as RegistrySettings
from servicekit.http import StaticToken
from servicekit.testing import TokenFactory

from ..factories import organisation

MUNICIPALITIES = {"DK-0336": "Stevns", "DK-0849": "Jammerbugt"}
REGISTRY_SCOPES = ["citizens:read", "citizens:write", "organisations:write", "openings:write"]


@pytest.fixture(scope="session")
def tokens() -> TokenFactory:
    return TokenFactory()


@pytest.fixture(scope="session")
def registry_database(postgres_admin_url: str) -> Iterator[ServiceDatabase]:
    name = f"matching_registry_{uuid.uuid4().hex[:8]}"
    yield prepare("registry", postgres_admin_url, name)
    asyncio.run(drop_database(postgres_admin_url, name))


@pytest.fixture(scope="session")
def matching_database(postgres_admin_url: str) -> Iterator[ServiceDatabase]:
    name = f"matching_test_{uuid.uuid4().hex[:8]}"
    yield prepare("matching", postgres_admin_url, name)
    asyncio.run(drop_database(postgres_admin_url, name))


@pytest.fixture(scope="session")
async def registry_app(registry_database: ServiceDatabase, tokens: TokenFactory) -> AsyncIterator[FastAPI]:
    settings = RegistrySettings(
        database_url=registry_database.app_url,
        jwks_json=tokens.jwks_json,
        cursor_key="11" * 32,
        national_id_hmac_key="test-hmac-key-not-for-production-0123456789",
        national_id_encryption_keys={"k1": "22" * 32},
        national_id_active_key_id="k1",
        # These tests speak the starter vocabulary's codes, also where CI sets ESCO_DIR.
        **{"REGISTRY_ESCO_DIR": None},
    )
    app = create_registry_app(settings)
    async with app.router.lifespan_context(app):
        yield app


@pytest.fixture(scope="session")
async def registry(registry_app: FastAPI, tokens: TokenFactory) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=registry_app)
    async with httpx.AsyncClient(transport=transport, base_url="http://registry.test") as http:
        admin = tokens.headers(tenant="*", scopes=["admin"])
        for code, name in MUNICIPALITIES.items():
            response = await http.post("/v1/municipalities", json={"code": code, "name": name}, headers=admin)
            assert response.status_code in (201, 409), response.text
        yield http


class PlacementOutcomes:
    """The outcomes service's GET /internal/v1/placement-outcomes contract, serving `items`."""

    def __init__(self) -> None:
        self.items: list[dict[str, Any]] = []
        self.app = FastAPI()

        @self.app.get("/internal/v1/placement-outcomes")
        async def placement_outcomes(limit: int = 500, cursor: str | None = None) -> dict[str, Any]:
            start = int(cursor or 0)
            page = self.items[start : start + limit]
            more = start + limit < len(self.items)
            return {"items": page, "next_cursor": str(start + limit) if more else None}


@pytest.fixture(scope="session")
def outcomes() -> PlacementOutcomes:
    return PlacementOutcomes()


@pytest.fixture(scope="session")
async def matching_app(
    matching_database: ServiceDatabase, registry_app: FastAPI, outcomes: PlacementOutcomes, tokens: TokenFactory
) -> AsyncIterator[FastAPI]:
    settings = Settings(
        database_url=matching_database.app_url,
        jwks_json=tokens.jwks_json,
        cursor_key="33" * 32,
        registry_url="http://registry.test",
        outcomes_url="http://outcomes.test",
        feed_enabled=False,  # tests step the consumer themselves, so every assertion is deterministic
        feed_page_size=7,  # small pages: several steps per sync, exercising the cursor
        access_log_enabled=False,  # tests drain the access-log outbox themselves
        **{"MATCHING_ESCO_DIR": None},  # the starter vocabulary, also where CI sets ESCO_DIR
    )
    app = create_app(
        settings,
        token=StaticToken(tokens.token(tenant="*", scopes=["internal"], client_id="matching")),
        registry_transport=httpx.ASGITransport(app=registry_app),
        outcomes_transport=httpx.ASGITransport(app=outcomes.app),
    )
    async with app.router.lifespan_context(app):
        yield app


@pytest.fixture(scope="session")
async def client(matching_app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=matching_app), base_url="http://matching.test"
    ) as http:
        yield http


@pytest.fixture
def stevns_registry(tokens: TokenFactory) -> dict[str, str]:
    return tokens.headers(tenant="DK-0336", scopes=REGISTRY_SCOPES, client_id="stevns-jc")


@pytest.fixture
def reader(tokens: TokenFactory) -> dict[str, str]:
    return tokens.headers(tenant="DK-0336", scopes=["matching:read", "matching:run"], client_id="stevns-matching")


@pytest.fixture
def jammerbugt_reader(tokens: TokenFactory) -> dict[str, str]:
    return tokens.headers(tenant="DK-0849", scopes=["matching:read", "matching:run"], client_id="jammerbugt-matching")


@pytest.fixture
async def sync(matching_app: FastAPI) -> Any:
    async def run() -> None:
        await matching_app.state.feed.catch_up()

    return run


@pytest.fixture
async def employer(registry: httpx.AsyncClient, stevns_registry: dict[str, str]) -> str:
    response = await registry.post("/v1/organisations", json=organisation(), headers=stevns_registry)
    assert response.status_code == 201, response.text
    return str(response.json()["id"])
