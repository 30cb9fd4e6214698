from __future__ import annotations

import asyncio

import httpx
from fastapi import FastAPI

from devstack.databases import ServiceDatabase
from matching.main import create_app
from matching.settings import Settings
from servicekit.http import StaticToken
from servicekit.testing import TokenFactory

from ..factories import citizen


async def test_consumer_started_in_the_lifespan_follows_the_feed(
    matching_database: ServiceDatabase,
    registry_app: FastAPI,
    registry: httpx.AsyncClient,
    tokens: TokenFactory,
    stevns_registry: dict[str, str],
    reader: dict[str, str],
) -> None:
    settings = Settings(
        database_url=matching_database.app_url,
        jwks_json=tokens.jwks_json,
        registry_url="http://registry.test",
        feed_poll_seconds=0.05,
        **{"MATCHING_ESCO_DIR": None},
    )
    app = create_app(
        settings,
        token=StaticToken(tokens.token(tenant="*", scopes=["internal"], client_id="matching")),
        registry_transport=httpx.ASGITransport(app=registry_app),
    )
    person = (await registry.post("/v1/citizens", json=citizen(), headers=stevns_registry)).json()
    transport = httpx.ASGITransport(app=app)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=transport, base_url="http://matching.test") as http,
    ):

        async def synced() -> httpx.Response:
            while True:
                response = await http.get("/v1/recommendations", params={"citizen_id": person["id"]}, headers=reader)
                if response.status_code != 404:
                    return response
                await asyncio.sleep(0.05)

        response = await asyncio.wait_for(synced(), timeout=20)
        assert response.status_code == 200
        assert (await http.get("/readyz")).json()["checks"]["feeds"]["registry"]["lag"] >= 0
        assert app.state.feed.last_success is not None


async def test_a_citizen_created_a_moment_ago_is_recommended_at_once(
    matching_database: ServiceDatabase,
    registry_app: FastAPI,
    registry: httpx.AsyncClient,
    tokens: TokenFactory,
    stevns_registry: dict[str, str],
    reader: dict[str, str],
) -> None:
    """A miss catches up with the feed before answering 404, so a caseworker who creates a citizen
    and asks for recommendations straight away is not told the citizen does not exist."""
    settings = Settings(
        database_url=matching_database.app_url,
        jwks_json=tokens.jwks_json,
        registry_url="http://registry.test",
        feed_poll_seconds=3600,  # the background poll will not come round during this test
        **{"MATCHING_ESCO_DIR": None},
    )
    app = create_app(
        settings,
        token=StaticToken(tokens.token(tenant="*", scopes=["internal"], client_id="matching")),
        registry_transport=httpx.ASGITransport(app=registry_app),
    )
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://matching.test") as http,
    ):
        await app.state.feed.catch_up()
        person = (await registry.post("/v1/citizens", json=citizen(), headers=stevns_registry)).json()
        response = await http.get("/v1/recommendations", params={"citizen_id": person["id"]}, headers=reader)
        assert response.status_code == 200, response.text
        unknown = await http.get(
            "/v1/recommendations", params={"citizen_id": "00000000-0000-4000-8000-000000000000"}, headers=reader
        )
        assert unknown.status_code == 404
