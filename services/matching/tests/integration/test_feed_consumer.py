"""The feed consumer against the real registry app: what another replica already applied stays applied."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable

import httpx
from fastapi import FastAPI

from matching import repository as repo
from servicekit.db import Database, set_tenant

from ..factories import citizen
from .test_recommendations import create

Sync = Callable[[], Awaitable[None]]


async def test_a_page_another_replica_applied_changes_nothing(
    registry: httpx.AsyncClient,
    client: httpx.AsyncClient,
    matching_app: FastAPI,
    stevns_registry: dict[str, str],
    reader: dict[str, str],
    sync: Sync,
) -> None:
    person = await create(registry, "/v1/citizens", citizen(), stevns_registry)
    await sync()
    assert (await registry.delete(f"/v1/citizens/{person['id']}", headers=stevns_registry)).status_code == 204
    await sync()
    database: Database = matching_app.state.database
    async with database.sessions() as session, session.begin():
        await set_tenant(session, "*")
        before = await repo.read_cursor(session)
    assert before is not None

    # The citizen's upsert again, as a replica that fetched an older page would hand it over.
    stale = {
        "seq": 1,
        "entity": "citizen",
        "entity_id": person["id"],
        "op": "upsert",
        "municipality": "DK-0336",
        "data": {**person, "id": person["id"], "municipality": "DK-0336"},
    }
    await matching_app.state.feature_store_feed.apply_page([stale], "an-older-cursor")

    async with database.sessions() as session, session.begin():
        await set_tenant(session, "*")
        after = await repo.read_cursor(session)
        assert await repo.get_citizen(session, uuid.UUID(person["id"])) is None  # the erasure stands
    assert after is not None
    assert (after.position, after.applied_seq) == (before.position, before.applied_seq)
    gone = await client.get("/v1/recommendations", params={"citizen_id": person["id"]}, headers=reader)
    assert gone.status_code == 404
