from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable

import httpx
import pytest
from fastapi import FastAPI

from matching.store import profiles
from matching.store import ranking_runs as stored_runs
from matching.usecases import ranking_runs
from matching.usecases.engine import Engine
from matching.usecases.ranking_runs import RunSettings, run_national
from servicekit.db import Database, set_tenant
from servicekit.municipalities import NATIONAL

from ..factories import citizen, opening

Sync = Callable[[], Awaitable[None]]


async def test_national_run_is_stored_versioned_and_served_per_municipality(
    registry: httpx.AsyncClient,
    client: httpx.AsyncClient,
    matching_app: FastAPI,
    stevns_registry: dict[str, str],
    reader: dict[str, str],
    jammerbugt_reader: dict[str, str],
    employer: str,
    sync: Sync,
) -> None:
    job = (await registry.post("/v1/openings", json=opening(employer), headers=stevns_registry)).json()
    person = (await registry.post("/v1/citizens", json=citizen(), headers=stevns_registry)).json()
    await sync()
    engine: Engine = matching_app.state.engine
    run = await run_national(matching_app.state.database, engine, RunSettings(workers=1, progress=False))
    listed = (await client.get("/v1/ranking-runs", headers=reader)).json()["items"]
    assert listed[0]["id"] == str(run.id)
    assert listed[0]["version"] == run.version
    assert listed[0]["blocks"] >= 1

    mine = await client.get(f"/v1/ranking-runs/{run.id}/citizens/{person['id']}", headers=reader)
    assert mine.status_code == 200, mine.text
    items = mine.json()["items"]
    assert job["id"] in [i["opening_id"] for i in items]
    assert [i["score"] for i in items] == sorted((i["score"] for i in items), reverse=True)
    direct = await client.get("/v1/recommendations", params={"citizen_id": person["id"], "limit": 20}, headers=reader)
    served = {i["opening_id"]: i["score"] for i in direct.json()["items"]}
    assert direct.json()["model"]["name"] == run.model
    assert served[job["id"]] == next(i["score"] for i in items if i["opening_id"] == job["id"])  # one scorer

    other = await client.get(f"/v1/ranking-runs/{run.id}/citizens/{person['id']}", headers=jammerbugt_reader)
    assert other.status_code == 404


async def test_citizens_read_and_lists_written_a_few_at_a_time_are_all_stored(
    registry: httpx.AsyncClient,
    matching_app: FastAPI,
    stevns_registry: dict[str, str],
    employer: str,
    sync: Sync,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    job = (await registry.post("/v1/openings", json=opening(employer), headers=stevns_registry)).json()
    people = [(await registry.post("/v1/citizens", json=citizen(), headers=stevns_registry)).json() for _ in range(3)]
    await sync()
    monkeypatch.setattr(profiles, "NATIONAL_ROWS_PER_FETCH", 2)
    monkeypatch.setattr(ranking_runs, "ENTRIES_PER_INSERT", 2)
    database: Database = matching_app.state.database
    run = await run_national(database, matching_app.state.engine, RunSettings(progress=False))
    assert run.citizens >= 3
    async with database.sessions() as session, session.begin():
        await set_tenant(session, NATIONAL)
        for person in people:
            entry = await stored_runs.citizen_entry(session, run.id, uuid.UUID(person["id"]))
            assert entry is not None
            assert job["id"] in entry[0]
