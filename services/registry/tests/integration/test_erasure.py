"""Erasure reaches everything the registry holds: every table, the whole feed, stored answers.

These tests run on a database of their own, so that a search of every table can only find what
this module wrote: the erased citizen's values must be gone, a control citizen's still there.
"""

from __future__ import annotations

import asyncio
import re
import uuid
from collections.abc import AsyncIterator, Iterator
from typing import Any

import asyncpg
import httpx
import pytest
from fastapi import FastAPI

from devstack.databases import ServiceDatabase, drop_database, prepare
from registry.main import create_app
from registry.settings import Settings
from servicekit.testing import TokenFactory

from ..factories import citizen, organisation

ERASED = {
    "name": "Zygmunt Erasmussen-Quist",
    "national_id": "1503371234",
    "birth_year": 1937,
    "benefit": {"type": "kontanthjaelp", "monthly_amount": 1_234_567, "currency": "DKK", "since": "2025-03-01"},
    "skills": [{"code": "bb:skill:lay-paving", "level": "advanced"}, {"code": "bb:skill:mow-lawns"}],
    "support_needs": [{"code": "x-erasure-proof-need", "essential": True}],
    "location": {"postcode": "4660", "lat": 55.987654, "lon": 11.123456},
}


@pytest.fixture(scope="module")
def own_database(postgres_admin_url: str) -> Iterator[ServiceDatabase]:
    name = f"registry_erasure_{uuid.uuid4().hex[:8]}"
    database = prepare("registry", postgres_admin_url, name)
    yield database
    asyncio.run(drop_database(postgres_admin_url, name))


@pytest.fixture(scope="module")
async def own_client(
    own_database: ServiceDatabase, registry_settings: Settings, tokens: TokenFactory
) -> AsyncIterator[httpx.AsyncClient]:
    settings = registry_settings.model_copy(update={"database_url": own_database.app_url})
    app: FastAPI = create_app(settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://registry.test") as http:
            admin = tokens.headers(tenant="*", scopes=["admin"])
            assert (
                await http.post("/v1/municipalities", json={"code": "DK-0336", "name": "Stevns"}, headers=admin)
            ).status_code == 201
            yield http


async def _everything(owner_url: str) -> str:
    """Every row of every table, as JSON text without spaces."""
    conn = await asyncpg.connect(owner_url)
    try:
        tables = await conn.fetch("select tablename from pg_tables where schemaname = 'public'")
        texts = []
        for table in tables:
            rows = await conn.fetch(f'select row_to_json(t)::text as j from "{table["tablename"]}" t')
            texts += [r["j"] for r in rows]
        return re.sub(r"\s", "", "\n".join(texts))
    finally:
        await conn.close()


async def _whole_feed(client: httpx.AsyncClient, internal: dict[str, str]) -> str:
    items: list[Any] = []
    after = ""
    while True:
        page = (
            await client.get("/internal/v1/changes", params={"after": after, "limit": 1000}, headers=internal)
        ).json()
        if not page["items"]:
            return re.sub(r"\s", "", str(items).replace("'", '"'))
        items += page["items"]
        after = page["next_cursor"]


async def _pseudonym_hex(owner_url: str, citizen_id: str) -> tuple[str, str]:
    conn = await asyncpg.connect(owner_url)
    try:
        row = await conn.fetchrow(
            "select encode(national_id_pseudonym, 'hex') p, encode(national_id_ciphertext, 'hex') c"
            " from citizens where id = $1",
            uuid.UUID(citizen_id),
        )
        return row["p"], row["c"]
    finally:
        await conn.close()


def _needles(body: dict[str, Any], pseudonym: str, ciphertext: str) -> dict[str, str]:
    """The values to search for, without whitespace (the haystack has none)."""
    values = {
        "name": body["name"],
        "external_ref": body["external_ref"],
        "national_id": body["national_id"],
        "pseudonym": pseudonym,
        "ciphertext": ciphertext[:40],
        "birth_year": f'"birth_year":{body["birth_year"]}',
        "lat": str(body["location"]["lat"]),
        "lon": str(body["location"]["lon"]),
        "skill": body["skills"][0]["code"],
        "support_need": body["support_needs"][0]["code"],
        "benefit_amount": str(body["benefit"]["monthly_amount"]),
    }
    return {name: re.sub(r"\s", "", value) for name, value in values.items()}


async def test_erasure_leaves_no_value_in_any_table_feed_or_stored_answer(
    own_client: httpx.AsyncClient, own_database: ServiceDatabase, tokens: TokenFactory
) -> None:
    client = own_client
    stevns = tokens.headers(
        tenant="DK-0336", scopes=["citizens:read", "citizens:write", "organisations:write"], client_id="stevns-jc"
    )
    internal = tokens.headers(tenant="*", scopes=["internal"], client_id="matching")
    control_body = citizen(name="Kontrol Person", location={"postcode": "4660", "lat": 55.111222, "lon": 12.333444})
    assert (await client.post("/v1/citizens", json=control_body, headers=stevns)).status_code == 201

    body = citizen(**ERASED)
    key = {"Idempotency-Key": uuid.uuid4().hex}
    created = await client.post("/v1/citizens", json=body, headers={**stevns, **key})
    assert created.status_code == 201, created.text
    citizen_id = created.json()["id"]
    batch_key = {"Idempotency-Key": uuid.uuid4().hex}
    batch_body = {"items": [{**body, "work_capacity_hours": 9}]}
    assert (
        await client.post("/v1/citizens:batch", json=batch_body, headers={**stevns, **batch_key})
    ).status_code == 200
    patched = await client.patch(
        f"/v1/citizens/{citizen_id}", json={"interests": []}, headers={**stevns, "If-Match": '"2"'}
    )
    assert patched.status_code == 200, patched.text
    consent = {
        "purpose": "sharing_with_employer",
        "action": "grant",
        "method": "verbal_with_witness",
        "witness": "J. Vidne",
    }
    assert (await client.post(f"/v1/citizens/{citizen_id}/consents", json=consent, headers=stevns)).status_code == 201
    companies = {}
    for kind in ("company", "business_council", "provider"):
        made = await client.post("/v1/organisations", json=organisation(kind), headers=stevns)
        companies[kind] = made.json()["id"]
    partnership = await client.post(
        "/v1/partnerships",
        json={
            "company_id": companies["company"],
            "business_council_id": companies["business_council"],
            "provider_id": companies["provider"],
            "starts_on": "2026-01-01",
            "ends_on": "2026-12-31",
            "status": "active",
        },
        headers=stevns,
    )
    enrolment = {
        "programme": "citizen_course",
        "citizen_id": citizen_id,
        "partnership_id": partnership.json()["id"],
        "started_on": "2026-02-01",
        "phase": "training",
    }
    assert (await client.post("/v1/enrolments", json=enrolment, headers=stevns)).status_code == 201
    report = {
        "entries": [
            {
                "citizen_id": citizen_id,
                "service": "matching",
                "client": "stevns-jc",
                "client_municipality": "DK-0336",
                "what": "recommendation",
                "occurred_at": "2026-12-07T10:00:00Z",
            }
        ]
    }
    assert (await client.post("/internal/v1/access-log", json=report, headers=internal)).status_code == 200

    pseudonym, ciphertext = await _pseudonym_hex(own_database.owner_url, citizen_id)
    needles = _needles(body, pseudonym, ciphertext)
    before = await _everything(own_database.owner_url) + await _whole_feed(client, internal)
    # The search finds every value while the citizen exists (the national id is never stored in clear).
    assert [name for name, value in needles.items() if value not in before] == ["national_id"]

    headers = {**stevns, "X-Request-ID": "ab" * 16}
    assert (await client.delete(f"/v1/citizens/{citizen_id}", headers=headers)).status_code == 204

    after = await _everything(own_database.owner_url) + await _whole_feed(client, internal)
    assert [name for name, value in needles.items() if value in after] == []
    control = _needles({**control_body, "birth_year": 0}, "-", "-")
    # The search still sees what was not erased.
    assert control["name"] in after
    assert control["lat"] in after

    replay = await client.post("/v1/citizens", json=body, headers={**stevns, **key})
    assert replay.status_code == 410
    assert replay.headers["Idempotent-Replayed"] == "true"
    assert body["name"] not in replay.text
    assert body["external_ref"] not in replay.text
    replay_batch = await client.post("/v1/citizens:batch", json=batch_body, headers={**stevns, **batch_key})
    assert replay_batch.status_code == 410


async def test_erasure_is_idempotent_audited_and_tenant_scoped(
    client: httpx.AsyncClient, stevns: dict[str, str], jammerbugt: dict[str, str], admin: dict[str, str]
) -> None:
    created = (await client.post("/v1/citizens", json=citizen(), headers=stevns)).json()
    url = f"/v1/citizens/{created['id']}"
    assert (await client.delete(url, headers=jammerbugt)).status_code == 404
    assert (await client.delete(f"/v1/citizens/{uuid.uuid4()}", headers=stevns)).status_code == 404
    headers = {**stevns, "X-Request-ID": "cd" * 16, "X-Purpose": "citizen asked (art. 17)"}
    assert (await client.delete(url, headers=headers)).status_code == 204
    assert (await client.delete(url, headers=headers)).status_code == 204
    events = (await client.get("/v1/audit-events", params={"citizen_id": created["id"]}, headers=admin)).json()["items"]
    erasures = [e for e in events if e["action"] == "erasure"]
    assert [(e["actor"], e["request_id"], e["purpose"]) for e in erasures] == [
        ("stevns-jc", "cd" * 16, "citizen asked (art. 17)")
    ]


async def test_erasure_rewrites_earlier_feed_entries_to_tombstones(
    client: httpx.AsyncClient, stevns: dict[str, str], internal: dict[str, str]
) -> None:
    head = (await client.get("/internal/v1/changes", params={"limit": 1}, headers=internal)).json()["head"]
    created = (await client.post("/v1/citizens", json=citizen(), headers=stevns)).json()
    patch = await client.patch(
        f"/v1/citizens/{created['id']}", json={"work_capacity_hours": 5}, headers={**stevns, "If-Match": '"1"'}
    )
    assert patch.status_code == 200
    assert (await client.delete(f"/v1/citizens/{created['id']}", headers=stevns)).status_code == 204
    feed = (await client.get("/internal/v1/changes", params={"after": str(head)}, headers=internal)).json()["items"]
    mine = [c for c in feed if c["entity_id"] == created["id"]]
    assert [(c["op"], c["data"]) for c in mine] == [("erased", None)] * 3
    assert [c["seq"] for c in mine] == sorted(c["seq"] for c in mine)


async def test_batch_erasure_answers_per_item(
    client: httpx.AsyncClient, stevns: dict[str, str], jammerbugt: dict[str, str]
) -> None:
    ours = [(await client.post("/v1/citizens", json=citizen(), headers=stevns)).json()["id"] for _ in range(3)]
    theirs = (await client.post("/v1/citizens", json=citizen(), headers=jammerbugt)).json()["id"]
    assert (await client.delete(f"/v1/citizens/{ours[2]}", headers=stevns)).status_code == 204
    unknown = str(uuid.uuid4())
    response = await client.post("/v1/citizens:erase", json={"ids": [*ours, theirs, unknown]}, headers=stevns)
    assert response.status_code == 200, response.text
    result = response.json()
    assert [i["status"] for i in result["items"]] == ["erased", "erased", "already_erased", "not_found", "not_found"]
    assert result["summary"] == {"erased": 2, "already_erased": 1, "not_found": 2}
    assert (await client.get(f"/v1/citizens/{theirs}", headers=jammerbugt)).status_code == 200
    too_many = await client.post("/v1/citizens:erase", json={"ids": [unknown] * 1001}, headers=stevns)
    assert too_many.status_code == 422
