"""The per-municipality opening catalogue: reused while nothing changes, rebuilt after the feed
brings a change to the municipality's openings."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
from fastapi import FastAPI

from matching.domain.recommend import OpeningCatalogue
from matching.store import profiles
from matching.usecases.engine import Engine
from servicekit.db import Database, set_tenant

from ..factories import citizen, opening
from .test_recommendations import create

Sync = Callable[[], Awaitable[None]]


async def catalogue(app: FastAPI, municipality: str) -> OpeningCatalogue:
    database: Database = app.state.database
    engine: Engine = app.state.engine
    async with database.sessions() as session, session.begin():
        await set_tenant(session, municipality)
        return await engine.catalogues.get(session, municipality)


async def recommended(client: httpx.AsyncClient, person: dict[str, Any], headers: dict[str, str]) -> set[str]:
    params = {"citizen_id": person["id"], "limit": 100}
    response = await client.get("/v1/recommendations", params=params, headers=headers)
    assert response.status_code == 200, response.text
    return {item["opening_id"] for item in response.json()["items"]}


async def test_catalogue_is_reused_until_the_feed_changes_the_openings(
    registry: httpx.AsyncClient,
    client: httpx.AsyncClient,
    matching_app: FastAPI,
    stevns_registry: dict[str, str],
    reader: dict[str, str],
    employer: str,
    sync: Sync,
) -> None:
    first = await create(registry, "/v1/openings", opening(employer), stevns_registry)
    person = await create(registry, "/v1/citizens", citizen(), stevns_registry)
    await sync()
    assert first["id"] in await recommended(client, person, reader)
    built = await catalogue(matching_app, "DK-0336")
    assert await catalogue(matching_app, "DK-0336") is built

    await create(registry, "/v1/citizens", citizen(), stevns_registry)
    await sync()
    assert await catalogue(matching_app, "DK-0336") is built  # a citizen does not change the openings

    second = await create(registry, "/v1/openings", opening(employer), stevns_registry)
    await sync()
    assert {first["id"], second["id"]} <= await recommended(client, person, reader)

    assert (await registry.delete(f"/v1/openings/{first['id']}", headers=stevns_registry)).status_code == 204
    await sync()
    after_delete = await recommended(client, person, reader)
    assert first["id"] not in after_delete
    assert second["id"] in after_delete


async def test_a_change_in_one_municipality_keeps_the_others_catalogue(
    registry: httpx.AsyncClient,
    matching_app: FastAPI,
    stevns_registry: dict[str, str],
    employer: str,
    sync: Sync,
) -> None:
    await sync()
    jammerbugt = await catalogue(matching_app, "DK-0849")
    await create(registry, "/v1/openings", opening(employer), stevns_registry)
    await sync()
    assert await catalogue(matching_app, "DK-0849") is jammerbugt


async def test_a_changed_catalogue_is_rebuilt_before_anyone_asks(
    registry: httpx.AsyncClient,
    matching_app: FastAPI,
    stevns_registry: dict[str, str],
    employer: str,
    sync: Sync,
) -> None:
    """The feed consumer hands the changed municipalities to the warmer, which builds their
    catalogues in the background: the first caseworker after a change does not pay for the build."""
    added = await create(registry, "/v1/openings", opening(employer), stevns_registry)
    await sync()
    database: Database = matching_app.state.database
    engine: Engine = matching_app.state.engine
    async with database.sessions() as session, session.begin():
        await set_tenant(session, "DK-0336")
        version = await profiles.catalogue_version(session, "DK-0336")
    deadline = asyncio.get_running_loop().time() + 30
    while (warmed := engine.catalogues._cached("DK-0336", version)) is None:
        assert asyncio.get_running_loop().time() < deadline, "the warmer did not build the catalogue"
        await asyncio.sleep(0.05)
    assert added["id"] in {str(o.id) for o in warmed.openings}
