from __future__ import annotations

import datetime as dt
import json
import uuid

import asyncpg
import httpx
import sqlalchemy as sa
import sqlalchemy.ext.asyncio as sa_async

from devstack.databases import ServiceDatabase
from registry.feed import entries
from registry.store.tables import citizens
from servicekit.testing import TokenFactory

from ..factories import citizen, fake_cpr


async def test_batch_with_mixed_items_stores_the_valid_ones(
    client: httpx.AsyncClient, stevns: dict[str, str], internal: dict[str, str]
) -> None:
    head = (await client.get("/internal/v1/changes", params={"limit": 1}, headers=internal)).json()["head"]
    good = [citizen() for _ in range(3)]
    twin = citizen(national_id=good[0]["national_id"])
    items = [
        good[0],
        citizen(work_capacity_hours=99),
        good[1],
        {"external_ref": 7},
        twin,
        good[2],
        "not an object",
        citizen(id="x"),
    ]
    response = await client.post("/v1/citizens:batch", json={"items": items}, headers=stevns)
    assert response.status_code == 200, response.text
    result = response.json()
    assert [r["status"] for r in result["items"]] == [
        "created",
        "error",
        "created",
        "error",
        "error",
        "created",
        "error",
        "error",
    ]
    assert result["summary"] == {"created": 3, "updated": 0, "unchanged": 0, "error": 5}
    assert [e["field"] for e in result["items"][1]["problem"]["errors"]] == ["work_capacity_hours"]
    assert result["items"][4]["problem"]["status"] == 409
    assert [e["field"] for e in result["items"][7]["problem"]["errors"]] == ["id"]
    for item in result["items"]:
        if item["status"] == "created":
            assert (await client.get(f"/v1/citizens/{item['id']}", headers=stevns)).status_code == 200
    feed = (await client.get("/internal/v1/changes", params={"after": str(head)}, headers=internal)).json()["items"]
    assert sorted(c["entity_id"] for c in feed if c["entity"] == "citizen") == sorted(
        r["id"] for r in result["items"] if r["status"] == "created"
    )


async def test_resending_a_batch_gives_unchanged_and_updated(client: httpx.AsyncClient, stevns: dict[str, str]) -> None:
    items = [citizen() for _ in range(4)]
    first = (await client.post("/v1/citizens:batch", json={"items": items}, headers=stevns)).json()
    items[1] = {**items[1], "work_capacity_hours": 30}
    # Omitting the national id keeps the stored one (its birth year stated instead of derived).
    birth_year = 1900 + int(items[2]["national_id"][4:6])
    items[2] = {**{k: v for k, v in items[2].items() if k != "national_id"}, "birth_year": birth_year}
    second = (await client.post("/v1/citizens:batch", json={"items": items}, headers=stevns)).json()
    assert [r["status"] for r in second["items"]] == ["unchanged", "updated", "unchanged", "unchanged"]
    assert [r["id"] for r in second["items"]] == [r["id"] for r in first["items"]]
    read = await client.get(f"/v1/citizens/{first['items'][1]['id']}", headers=stevns)
    assert read.json()["work_capacity_hours"] == 30
    assert read.headers["etag"] == '"2"'


async def test_national_id_of_another_citizen_is_an_item_error(
    client: httpx.AsyncClient, stevns: dict[str, str]
) -> None:
    existing = citizen()
    assert (await client.post("/v1/citizens", json=existing, headers=stevns)).status_code == 201
    result = (
        await client.post(
            "/v1/citizens:batch",
            json={"items": [citizen(national_id=existing["national_id"]), citizen()]},
            headers=stevns,
        )
    ).json()
    assert [r["status"] for r in result["items"]] == ["error", "created"]
    assert result["items"][0]["problem"]["errors"][0]["field"] == "national_id"


async def test_batch_idempotency_key_replays(client: httpx.AsyncClient, stevns: dict[str, str]) -> None:
    headers = {**stevns, "Idempotency-Key": uuid.uuid4().hex}
    body = {"items": [citizen(), citizen()]}
    first = await client.post("/v1/citizens:batch", json=body, headers=headers)
    again = await client.post("/v1/citizens:batch", json=body, headers=headers)
    assert again.json() == first.json()
    assert [r["status"] for r in again.json()["items"]] == ["created", "created"]
    assert (await client.post("/v1/citizens:batch", json={"items": [citizen()]}, headers=headers)).status_code == 422


async def test_batch_limits(client: httpx.AsyncClient, stevns: dict[str, str]) -> None:
    assert (await client.post("/v1/citizens:batch", json={"items": []}, headers=stevns)).status_code == 422
    too_many = {"items": [{"external_ref": f"R{i}"} for i in range(1001)]}
    assert (await client.post("/v1/citizens:batch", json=too_many, headers=stevns)).status_code == 422


async def test_national_batch_spans_municipalities_and_other_tenant_items_fail(
    client: httpx.AsyncClient, tokens: TokenFactory, stevns: dict[str, str], municipalities: dict[str, str]
) -> None:
    national = tokens.headers(tenant="*", scopes=["citizens:write"])
    items = [
        citizen(municipality="DK-0336"),
        citizen(municipality="DK-0849"),
        citizen(),
        citizen(municipality="DK-0002"),
    ]
    result = (await client.post("/v1/citizens:batch", json={"items": items}, headers=national)).json()
    assert [r["status"] for r in result["items"]] == ["created", "created", "error", "error"]
    own = (
        await client.post("/v1/citizens:batch", json={"items": [citizen(municipality="DK-0849")]}, headers=stevns)
    ).json()
    assert own["items"][0]["problem"]["status"] == 403


async def test_same_external_ref_in_two_municipalities_is_two_citizens(
    client: httpx.AsyncClient, stevns: dict[str, str], jammerbugt: dict[str, str]
) -> None:
    shared = f"JC-{uuid.uuid4().hex[:8]}"
    a = (await client.post("/v1/citizens:batch", json={"items": [citizen(external_ref=shared)]}, headers=stevns)).json()
    b = (
        await client.post("/v1/citizens:batch", json={"items": [citizen(external_ref=shared)]}, headers=jammerbugt)
    ).json()
    assert a["items"][0]["status"] == b["items"][0]["status"] == "created"
    assert a["items"][0]["id"] != b["items"][0]["id"]


async def test_resend_encrypts_only_a_national_id_that_changed(
    client: httpx.AsyncClient, stevns: dict[str, str], admin: dict[str, str], registry_database: ServiceDatabase
) -> None:
    item = citizen()
    created = (await client.post("/v1/citizens:batch", json={"items": [item]}, headers=stevns)).json()["items"][0]

    async def ciphertext() -> bytes:
        conn = await asyncpg.connect(registry_database.owner_url)
        try:
            value: bytes = await conn.fetchval(
                "select national_id_ciphertext from citizens where id = $1", uuid.UUID(created["id"])
            )
            return value
        finally:
            await conn.close()

    first = await ciphertext()
    changed = {**item, "work_capacity_hours": 25}
    again = (await client.post("/v1/citizens:batch", json={"items": [changed]}, headers=stevns)).json()["items"][0]
    assert again["status"] == "updated"
    assert await ciphertext() == first  # same national id: the stored copy is kept, not encrypted again

    moved = {**changed, "national_id": fake_cpr()}
    moved["birth_year"] = None
    third = (await client.post("/v1/citizens:batch", json={"items": [moved]}, headers=stevns)).json()["items"][0]
    assert third["status"] == "updated"
    assert await ciphertext() != first
    export = (await client.get(f"/v1/citizens/{created['id']}/export", headers=admin)).json()
    assert export["national_id"] == moved["national_id"]


async def test_batch_feed_entries_are_what_the_single_writes_put_on_the_feed(
    client: httpx.AsyncClient, stevns: dict[str, str], internal: dict[str, str], registry_database: ServiceDatabase
) -> None:
    """The batch builds its feed entries in SQL; they must equal entries.citizen_data of the stored row,
    whether the citizen's purposes were recorded one by one (consents) or only by the legacy flag."""
    with_purposes = citizen()
    stored = (await client.post("/v1/citizens", json=with_purposes, headers=stevns)).json()
    for purpose in (
        {"purpose": "sharing_with_employer", "action": "grant", "method": "paper"},
        {"purpose": "evaluation", "action": "legal_basis", "legal_basis": "gdpr_6_1_e"},
    ):
        answer = await client.post(f"/v1/citizens/{stored['id']}/consents", json=purpose, headers=stevns)
        assert answer.status_code == 201, answer.text
    head = (await client.get("/internal/v1/changes", params={"limit": 1}, headers=internal)).json()["head"]
    items = [
        citizen(),
        citizen(benefit=None, location=None, consent=None, national_id=None, birth_year=1971),
        citizen(consent={"matching": False, "given_at": "2026-01-10T10:00:00+01:00"}),
        {**with_purposes, "work_capacity_hours": with_purposes["work_capacity_hours"] + 1},
    ]
    created = (await client.post("/v1/citizens:batch", json={"items": items}, headers=stevns)).json()["items"]
    assert [item["status"] for item in created] == ["created", "created", "created", "updated"], created
    feed_items = (await client.get("/internal/v1/changes", params={"after": str(head)}, headers=internal)).json()
    by_id = {c["entity_id"]: c for c in feed_items["items"]}
    engine = sa_async.create_async_engine(registry_database.owner_url.replace("postgresql://", "postgresql+asyncpg://"))
    purposes: list[list[str]] = []
    try:
        async with engine.connect() as conn:
            for result in created:
                row = (await conn.execute(sa.select(citizens).where(citizens.c.id == uuid.UUID(result["id"])))).one()
                expected = json.loads(json.dumps(entries.citizen_data(row)))
                data = by_id[result["id"]]["data"]
                assert dt.datetime.fromisoformat(data.pop("updated_at")) == row.updated_at
                expected.pop("updated_at")
                assert data == expected
                assert by_id[result["id"]]["op"] == "upsert"
                purposes.append(data["purposes"])
    finally:
        await engine.dispose()
    assert [c["entity_id"] for c in feed_items["items"]] == [r["id"] for r in created]  # in batch order
    # Legacy flag on, none, off; and purposes recorded one by one (plus the legacy flag's matching).
    assert purposes == [["matching"], [], [], ["evaluation", "matching", "sharing_with_employer"]]
