"""Retention: a dry run lists the citizens past their municipality's period; the real run erases them, audited."""

from __future__ import annotations

import asyncio
import re
import uuid

import asyncpg
import httpx
import pytest

from devstack.databases import ServiceDatabase
from registry.cli import main

from ..factories import citizen, organisation


async def _age(owner_url: str, citizen_id: str, years: int) -> None:
    """Make the citizen and their enrolments look last changed `years` ago."""
    conn = await asyncpg.connect(owner_url)
    try:
        for table, column in (("citizens", "id"), ("enrolments", "citizen_id")):
            await conn.execute(
                f"update {table} set updated_at = now() - make_interval(years => $2) where {column} = $1",
                uuid.UUID(citizen_id),
                years,
            )
    finally:
        await conn.close()


async def _partnership(client: httpx.AsyncClient, headers: dict[str, str]) -> str:
    ids = {}
    for kind in ("company", "business_council", "provider"):
        ids[kind] = (await client.post("/v1/organisations", json=organisation(kind), headers=headers)).json()["id"]
    body = {
        "company_id": ids["company"],
        "business_council_id": ids["business_council"],
        "provider_id": ids["provider"],
        "starts_on": "2019-01-01",
        "ends_on": "2020-12-31",
        "status": "ended",
    }
    partnership_id: str = (await client.post("/v1/partnerships", json=body, headers=headers)).json()["id"]
    return partnership_id


async def _enrolled(client: httpx.AsyncClient, headers: dict[str, str], partnership_id: str, phase: str) -> str:
    citizen_id: str = (await client.post("/v1/citizens", json=citizen(), headers=headers)).json()["id"]
    enrolment = {
        "programme": "citizen_course",
        "citizen_id": citizen_id,
        "partnership_id": partnership_id,
        "started_on": "2019-02-01",
        "phase": phase,
    }
    assert (await client.post("/v1/enrolments", json=enrolment, headers=headers)).status_code == 201
    return citizen_id


async def test_municipality_retention_period_defaults_to_five_years_and_can_change(
    client: httpx.AsyncClient, admin: dict[str, str], municipalities: dict[str, str]
) -> None:
    current = await client.get("/v1/municipalities/DK-0813", headers=admin)
    assert current.json()["retention_years"] in (5, 10)
    changed = await client.patch(
        "/v1/municipalities/DK-0813",
        json={"retention_years": 10},
        headers={**admin, "If-Match": current.headers["ETag"]},
    )
    assert changed.status_code == 200
    assert changed.json()["retention_years"] == 10
    bad = await client.patch(
        "/v1/municipalities/DK-0813",
        json={"retention_years": 0},
        headers={**admin, "If-Match": changed.headers["ETag"]},
    )
    assert bad.status_code == 422


async def test_retention_dry_run_then_real_run(
    cli_environment: None,
    client: httpx.AsyncClient,
    stevns: dict[str, str],
    admin: dict[str, str],
    registry_database: ServiceDatabase,
    capsys: pytest.CaptureFixture[str],
) -> None:
    old = (await client.post("/v1/citizens", json=citizen(), headers=stevns)).json()["id"]
    recent = (await client.post("/v1/citizens", json=citizen(), headers=stevns)).json()["id"]
    await _age(registry_database.owner_url, old, 6)
    await _age(registry_database.owner_url, recent, 4)
    # The command runs its own event loop (as from a shell), so it runs in a thread of its own here.
    assert await asyncio.to_thread(main, ["retention", "--dry-run", "--municipality", "DK-0336"]) == 0
    listed = capsys.readouterr().out
    assert old in listed
    assert recent not in listed
    assert "would be erased" in listed
    assert (await client.get(f"/v1/citizens/{old}", headers=stevns)).status_code == 200
    assert await asyncio.to_thread(main, ["retention", "--municipality", "DK-0336"]) == 0
    # Every citizen found is erased (other tests' aged citizens may be among them).
    assert re.search(r"erased (\d+) of \1 citizens", capsys.readouterr().out)
    assert (await client.get(f"/v1/citizens/{old}", headers=stevns)).status_code == 404
    assert (await client.get(f"/v1/citizens/{recent}", headers=stevns)).status_code == 200
    events = (await client.get("/v1/audit-events", params={"citizen_id": old}, headers=admin)).json()["items"]
    (erasure,) = [e for e in events if e["action"] == "erasure"]
    assert erasure["actor"] == "system:retention"
    assert erasure["request_id"].startswith("retention-")


async def test_retention_counts_from_the_end_of_the_programme(
    cli_environment: None,
    client: httpx.AsyncClient,
    stevns: dict[str, str],
    registry_database: ServiceDatabase,
    capsys: pytest.CaptureFixture[str],
) -> None:
    partnership_id = await _partnership(client, stevns)
    ended = await _enrolled(client, stevns, partnership_id, "completed")
    dropped_out = await _enrolled(client, stevns, partnership_id, "dropped_out")
    still_in = await _enrolled(client, stevns, partnership_id, "training")
    for citizen_id in (ended, dropped_out, still_in):
        await _age(registry_database.owner_url, citizen_id, 6)
    assert await asyncio.to_thread(main, ["retention", "--dry-run", "--municipality", "DK-0336"]) == 0
    listed = capsys.readouterr().out
    assert ended in listed
    assert dropped_out in listed
    assert still_in not in listed  # still in a programme: its retention has not started
