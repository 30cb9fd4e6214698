"""Retention: recommendation lists served and decisions older than `record_retention_days` are
deleted by `python -m matching.cli retention` (counted only with --dry-run); newer ones stay."""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable

import asyncpg
import httpx
from fastapi import FastAPI

from devstack.databases import ServiceDatabase
from matching.cli import run_retention
from matching.settings import Settings

from ..factories import citizen, opening
from .test_personal_data import create, serve

Sync = Callable[[], Awaitable[None]]


async def _count(database: ServiceDatabase, table: str, citizen_id: str) -> int:
    conn = await asyncpg.connect(database.owner_url)
    try:
        return int(await conn.fetchval(f"select count(*) from {table} where citizen_id = $1", citizen_id))
    finally:
        await conn.close()


async def test_records_past_retention_are_deleted_and_newer_ones_kept(
    registry: httpx.AsyncClient,
    client: httpx.AsyncClient,
    matching_app: FastAPI,
    matching_database: ServiceDatabase,
    stevns_registry: dict[str, str],
    reader: dict[str, str],
    employer: str,
    sync: Sync,
) -> None:
    job = await create(registry, "/v1/openings", opening(employer), stevns_registry)
    old = await create(registry, "/v1/citizens", citizen(), stevns_registry)
    recent = await create(registry, "/v1/citizens", citizen(), stevns_registry)
    await sync()
    old_log = (await serve(client, reader, citizen_id=old["id"]))["items"][0]["recommendation_log_id"]
    recent_log = (await serve(client, reader, citizen_id=recent["id"]))["items"][0]["recommendation_log_id"]
    for person, log_id in ((old, old_log), (recent, recent_log)):
        decided = {"citizen_id": person["id"], "recommendation_log_id": log_id, "opening_id": job["id"]}
        answer = await client.post("/v1/decisions", json={**decided, "decision": "contacted"}, headers=reader)
        assert answer.status_code == 201, answer.text
    proposed = {"citizen_id": old["id"], "opening_id": job["id"], "decision": "proposed"}
    assert (await client.post("/v1/decisions", json=proposed, headers=reader)).status_code == 201

    # The old citizen's list and decisions were served and taken six years ago.
    conn = await asyncpg.connect(matching_database.owner_url)
    try:
        await conn.execute(
            "update recommendation_logs set served_at = now() - interval '6 years' where citizen_id = $1", old["id"]
        )
        await conn.execute(
            "update decisions set decided_at = now() - interval '6 years' where citizen_id = $1", old["id"]
        )
    finally:
        await conn.close()

    settings: Settings = matching_app.state.settings
    assert settings.record_retention_days == 1826  # five years unless configured
    counted = await run_retention(settings, dry_run=True)
    assert (counted.recommendation_logs, counted.decisions) == (1, 2)
    assert await _count(matching_database, "recommendation_logs", old["id"]) == 1  # a dry run deletes nothing

    deleted = await run_retention(settings, dry_run=False)
    assert (deleted.recommendation_logs, deleted.decisions) == (1, 2)
    assert counted.cutoff.date() == dt.date.today() - dt.timedelta(days=1826)
    assert await _count(matching_database, "recommendation_logs", old["id"]) == 0
    assert await _count(matching_database, "decisions", old["id"]) == 0
    assert await _count(matching_database, "recommendation_logs", recent["id"]) == 1
    assert await _count(matching_database, "decisions", recent["id"]) == 1
    assert (await run_retention(settings, dry_run=False)).recommendation_logs == 0  # again: nothing left to do
