"""Idempotency-Key on outcome writes: a retried batch is answered from the first, never counted twice."""

from __future__ import annotations

from typing import Any

import httpx
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import create_async_engine

from devstack.databases import ServiceDatabase
from servicekit.db import async_url
from servicekit.idempotency import key_lock_id
from tests.conftest import FakeRegistryFeed
from tests.integration.test_outcome_events import placement
from tests.integration.test_settlements import contract_body
from tests.integration.world import add_citizen, add_partnership


async def _events_of(client: httpx.AsyncClient, headers: dict[str, str], citizen: str) -> list[str]:
    listed = await client.get("/v1/outcome-events", params={"citizen_id": citizen}, headers=headers)
    return [item["id"] for item in listed.json()["items"]]


async def test_batch_replayed_under_its_key_answers_the_first_and_records_once(
    client: httpx.AsyncClient, stevns: dict[str, str], registry: FakeRegistryFeed, sync: Any
) -> None:
    citizen = add_citizen(registry, add_partnership(registry))
    await sync()
    body = {"items": [placement(citizen), placement(citizen, on="2024-05-01")]}
    keyed = {**stevns, "Idempotency-Key": f"batch-{citizen}"}
    first = await client.post("/v1/outcome-events:batch", json=body, headers=keyed)
    again = await client.post("/v1/outcome-events:batch", json=body, headers=keyed)
    assert (first.status_code, again.status_code) == (200, 200), again.text
    assert "Idempotent-Replayed" not in first.headers
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()
    assert first.json()["summary"]["created"] == 2
    assert sorted(await _events_of(client, stevns, citizen)) == sorted(item["id"] for item in body["items"])


async def test_same_key_with_another_body_is_422_naming_the_header(
    client: httpx.AsyncClient, stevns: dict[str, str], registry: FakeRegistryFeed, sync: Any
) -> None:
    citizen = add_citizen(registry, add_partnership(registry))
    await sync()
    keyed = {**stevns, "Idempotency-Key": f"single-{citizen}"}
    first = await client.post("/v1/outcome-events", json=placement(citizen), headers=keyed)
    assert first.status_code == 201, first.text
    other = await client.post("/v1/outcome-events", json=placement(citizen), headers=keyed)
    assert other.status_code == 422
    assert [error["field"] for error in other.json()["errors"]] == ["header.Idempotency-Key"]
    assert await _events_of(client, stevns, citizen) == [first.json()["id"]]


async def test_key_still_in_flight_is_409_with_retry_after(
    client: httpx.AsyncClient,
    stevns: dict[str, str],
    registry: FakeRegistryFeed,
    sync: Any,
    outcomes_database: ServiceDatabase,
) -> None:
    citizen = add_citizen(registry, add_partnership(registry))
    await sync()
    key = f"in-flight-{citizen}"
    engine = create_async_engine(async_url(outcomes_database.app_url))
    try:
        async with engine.connect() as holder:  # the first request, still running, holds the key's lock
            await holder.execute(sa.select(sa.func.pg_advisory_lock(key_lock_id("stevns-jc", key))))
            body = {"items": [placement(citizen)]}
            response = await client.post(
                "/v1/outcome-events:batch", json=body, headers={**stevns, "Idempotency-Key": key}
            )
            await holder.execute(sa.select(sa.func.pg_advisory_unlock(key_lock_id("stevns-jc", key))))
    finally:
        await engine.dispose()
    assert response.status_code == 409, response.text
    assert response.headers["Retry-After"] == "1"
    assert await _events_of(client, stevns, citizen) == []


async def test_settlement_and_its_approval_replay_the_first_answer_as_sent(
    client: httpx.AsyncClient,
    stevns: dict[str, str],
    checker: dict[str, str],
    registry: FakeRegistryFeed,
    sync: Any,
) -> None:
    """The replay is the answer FastAPI sent (by alias: `from`, `to`), not the model's field names."""
    partnership = add_partnership(registry)
    add_citizen(registry, partnership, enrolled_on="2024-01-01")
    await sync()
    contract = await client.post("/v1/contracts", json=contract_body(partnership), headers=stevns)
    assert contract.status_code == 201, contract.text
    period = {"contract_id": contract.json()["id"], "from": "2024-02-01", "to": "2024-03-01"}
    keyed = {**stevns, "Idempotency-Key": f"settle-{partnership.id}"}
    first = await client.post("/v1/settlements", json=period, headers=keyed)
    again = await client.post("/v1/settlements", json=period, headers=keyed)
    assert (first.status_code, again.status_code) == (201, 201), again.text
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()
    assert first.json()["from"] == "2024-02-01"
    approve = f"/v1/settlements/{first.json()['id']}:approve"
    approved = await client.post(approve, json={}, headers={**checker, "Idempotency-Key": "approve-once"})
    replayed = await client.post(approve, json={}, headers={**checker, "Idempotency-Key": "approve-once"})
    assert approved.status_code == 200, approved.text
    assert replayed.headers["Idempotent-Replayed"] == "true"
    assert replayed.json() == approved.json()
