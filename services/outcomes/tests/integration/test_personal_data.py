"""Personal data in outcomes (issue 17): the export of what outcomes holds, reads (events, evaluations per citizen,
exports, the feed) reported to the registry's access log through the shared outbox (with its give-up rule), and
the pseudonymous shell after an erasure.

E is erased, C is the control; each has values of its own so that a search of every table tells them apart.
A statement pays on both for February-April 2024, so what it was based on (the benefit at enrolment, the
events before 1 May) stays; the rest of E's values must be found nowhere in outcomes' database.
"""

from __future__ import annotations

import json
import uuid
from datetime import timedelta
from typing import Any

import asyncpg
import httpx
import pytest
from fastapi import FastAPI

from devstack.databases import ServiceDatabase
from outcomes.store.tables import access_outbox
from servicekit.access_outbox import DEAD_LETTERS, AccessLogShipper, GiveUp, RegistryAccessLog, dead_letters, pending
from servicekit.db import Database, set_tenant
from servicekit.http import ServiceClient
from servicekit.testing import TokenFactory, tables_containing
from tests.conftest import FakeRegistryFeed
from tests.integration.world import Partnership, add_partnership

MUNICIPALITY = "DK-0400"
GROUP = "erasure_example"


@pytest.fixture
def bornholm(tokens: TokenFactory) -> dict[str, str]:
    scopes = ["outcomes:write", "outcomes:read", "settlements:write", "reports:read"]
    return tokens.headers(tenant=MUNICIPALITY, scopes=scopes, client_id="bornholm-jc")


def person(registry: FakeRegistryFeed, partnership: Partnership, *, birth_year: int, amount: int) -> str:
    """An enrolled citizen on a benefit of `amount` since 1 January 2024, enrolled 1 February 2024."""
    citizen_id = str(uuid.uuid4())
    data = {
        "id": citizen_id,
        "municipality": MUNICIPALITY,
        "external_ref": "r",
        "birth_year": birth_year,
        "target_group": GROUP,
        "benefit": {"type": "kontanthjaelp_30plus", "monthly_amount": amount, "currency": "DKK", "since": "2024-01-01"},
    }
    registry.add("citizen", citizen_id, MUNICIPALITY, data)
    enrolment = {
        "id": "x",
        "municipality": MUNICIPALITY,
        "programme": "citizen_course",
        "citizen_id": citizen_id,
        "organisation_id": None,
        "partnership_id": partnership.id,
        "started_on": "2024-02-01",
        "phase": "started",
        "milestones": [],
    }
    registry.add("enrolment", str(uuid.uuid4()), MUNICIPALITY, enrolment)
    return citizen_id


def events(citizen_id: str, *, settled: int, unsettled: int, reason: str) -> list[dict[str, Any]]:
    def event(kind: str, on: str, data: dict[str, Any]) -> dict[str, Any]:
        return {"id": uuid.uuid4().hex, "citizen_id": citizen_id, "type": kind, "occurred_on": on, "data": data}

    work = {"organisation_id": str(uuid.uuid4()), "hours_per_week": 15, "kind": "ordinary"}
    return [
        event("placement_started", "2024-03-04", work),
        event("benefit_changed", "2024-04-01", {"type": "kontanthjaelp_30plus", "monthly_amount": settled}),
        event("benefit_changed", "2024-06-01", {"type": "kontanthjaelp_30plus", "monthly_amount": unsettled}),
        event("placement_ended", "2024-06-03", {"reason": reason}),
    ]


async def test_export_then_erasure_leaves_only_what_payments_were_based_on(
    client: httpx.AsyncClient,
    outcomes_database: ServiceDatabase,
    bornholm: dict[str, str],
    internal: dict[str, str],
    registry: FakeRegistryFeed,
    sync: Any,
) -> None:
    partnership = add_partnership(registry, MUNICIPALITY)
    erased = person(registry, partnership, birth_year=1937, amount=1_234_567)
    control = person(registry, partnership, birth_year=1938, amount=1_234_569)
    await sync()
    for citizen, settled, unsettled, reason in (
        (erased, 1_876_543, 1_765_432, "moved-E-7731"),
        (control, 1_876_545, 1_765_434, "moved-C-7732"),
    ):
        batch = await client.post(
            "/v1/outcome-events:batch",
            json={"items": events(citizen, settled=settled, unsettled=unsettled, reason=reason)},
            headers=bornholm,
        )
        assert {item["status"] for item in batch.json()["items"]} == {"created"}, batch.text
    # The registry's current benefit moves on after enrolment (outcomes keeps it beside the one at enrolment).
    for citizen, amount, birth_year in ((erased, 1_654_321, 1937), (control, 1_654_323, 1938)):
        data = {
            "id": citizen,
            "municipality": MUNICIPALITY,
            "external_ref": "r",
            "birth_year": birth_year,
            "target_group": GROUP,
            "benefit": {"type": "kontanthjaelp_30plus", "monthly_amount": amount, "since": "2024-01-01"},
        }
        registry.add("citizen", citizen, MUNICIPALITY, data)
    await sync()
    contract = {
        "partnership_id": partnership.id,
        "side": "citizen_course",
        "payee_id": partnership.provider_id,
        "starts_on": "2024-01-01",
        "ends_on": "2025-01-01",
        "tariffs": {"placement_started": 500_000},
        "savings_share_percent": "10",
        "savings_share_basis": "gross",
    }
    created = await client.post("/v1/contracts", json=contract, headers=bornholm)
    assert created.status_code == 201, created.text
    period = {"contract_id": created.json()["id"], "from": "2024-02-01", "to": "2024-05-01"}
    statement = await client.post("/v1/settlements", json=period, headers=bornholm)
    assert statement.status_code == 201, statement.text
    # A stored idempotent answer naming each citizen (as a write with an Idempotency-Key keeps it).
    owner = await asyncpg.connect(outcomes_database.owner_url)
    try:
        for citizen, amount in ((erased, 1_765_432), (control, 1_765_434)):
            answer = json.dumps({"citizen_id": citizen, "data": {"monthly_amount": amount}})
            await owner.execute(
                "INSERT INTO idempotency_keys (client_id, key, request_hash, status_code, response_body) "
                "VALUES ('bornholm-jc', $1, 'h', 201, $2::jsonb)",
                uuid.uuid4().hex,
                answer,
            )
    finally:
        await owner.close()

    # The export: what outcomes holds, and the payments based on the citizen.
    export = await client.get(f"/internal/v1/citizens/{erased}/export", headers=internal)
    assert export.status_code == 200, export.text
    document = export.json()
    assert (document["schema_version"], document["service"], document["citizen_id"]) == (1, "outcomes", erased)
    (enrolment,) = document["enrolments"]
    assert (enrolment["birth_year"], enrolment["enrolled_on"], enrolment["erased"]) == (1937, "2024-02-01", False)
    assert enrolment["benefit_at_enrolment"]["monthly_amount"] == 1_234_567
    assert [event["type"] for event in document["outcome_events"]] == [
        "placement_started", "benefit_changed", "benefit_changed", "placement_ended"
    ]  # fmt: skip
    # February 2024 (29 days, enrolled on the 1st, no change yet): no saving; April: 1,234,567 - 1,876,543.
    lines = {line["month"]: line for line in document["savings_lines"]}
    assert (lines["2024-02"]["gross_saving"], lines["2024-04"]["gross_saving"]) == (0, 1_234_567 - 1_876_543)
    assert lines["2024-04"]["rate_card_ids"] == ["DK-2024"]
    payments = document["payments"]
    assert {payment["statement_id"] for payment in payments} == {statement.json()["id"]}
    assert [(payment["name"], payment["amount"], payment["status"]) for payment in payments] == [
        ("placement_started", 500_000, "draft")
    ]
    nobody = await client.get(f"/internal/v1/citizens/{uuid.uuid4()}/export", headers=internal)
    assert nobody.status_code == 200
    assert (nobody.json()["enrolments"], nobody.json()["outcome_events"], nobody.json()["payments"]) == ([], [], [])
    assert (await client.get(f"/internal/v1/citizens/{erased}/export", headers=bornholm)).status_code == 403

    # Reads reach the access-log outbox: the feed (outcomes itself), the export, the events read, the
    # per-citizen evaluation, the statement whose lines name the citizen.
    read = await client.get("/v1/outcome-events", params={"citizen_id": erased}, headers=bornholm)
    assert read.status_code == 200
    scope = {"partnership_id": partnership.id, "from": "2024-02-01", "to": "2024-05-01"}
    per_citizen = await client.get("/v1/evaluations/citizens", params=scope, headers=bornholm)
    assert per_citizen.status_code == 200, per_citizen.text
    paid_on = await client.get(f"/v1/settlements/{statement.json()['id']}", headers=bornholm)  # lines name them
    assert paid_on.status_code == 200, paid_on.text
    owner = await asyncpg.connect(outcomes_database.owner_url)
    try:
        entries = [
            json.loads(row["entry"])
            for row in await owner.fetch("SELECT entry FROM access_outbox WHERE citizen_id = $1 ORDER BY id", erased)
        ]
    finally:
        await owner.close()
    assert [(entry["what"], entry["system"]) for entry in entries][-4:] == [
        ("export", False), ("read", False), ("read", False), ("read", False)
    ]  # fmt: skip
    assert ("feed", True) in [(entry["what"], entry["system"]) for entry in entries]
    assert entries[-1]["client"] == "bornholm-jc"
    assert entries[-1]["client_municipality"] == MUNICIPALITY

    erased_values = ["1937", "1765432", "1654321", "moved-E-7731"]
    control_values = ["1938", "1765434", "1654323", "moved-C-7732"]
    before = await tables_containing(outcomes_database.owner_url, erased_values)
    assert set(before) >= {"citizens", "outcome_events", "idempotency_keys"}

    registry.add("citizen", erased, MUNICIPALITY, None, op="erased")
    await sync()
    assert await tables_containing(outcomes_database.owner_url, erased_values) == {}
    found = await tables_containing(outcomes_database.owner_url, control_values)
    assert {value for values in found.values() for value in values} == set(control_values)
    # What the statement paid on stays: the benefit at enrolment and the events before 1 May, reduced.
    kept = await tables_containing(outcomes_database.owner_url, ["1234567", "1876543"])
    assert set(kept) == {"citizens", "outcome_events"}
    after = (await client.get(f"/internal/v1/citizens/{erased}/export", headers=internal)).json()
    assert after["enrolments"][0]["erased"] is True
    assert after["enrolments"][0]["birth_year"] is None
    assert [event["type"] for event in after["outcome_events"]] == ["placement_started", "benefit_changed"]
    assert [payment["amount"] for payment in after["payments"]] == [500_000]
    # Erasure again: the same shell.
    registry.add("citizen", erased, MUNICIPALITY, None, op="erased")
    await sync()
    again = (await client.get(f"/internal/v1/citizens/{erased}/export", headers=internal)).json()
    assert again["outcome_events"] == after["outcome_events"]


async def test_access_log_entries_that_keep_failing_become_dead_letters(
    outcomes_app: FastAPI, tokens: TokenFactory
) -> None:
    """The registry refuses an entry for good: it is retried, then given up (counted, kept apart, no longer sent);
    its batch-mates still go; an outage gives up on entries only by their age."""
    database: Database = outcomes_app.state.database
    citizen = str(uuid.uuid4())
    async with database.sessions() as session, session.begin():
        await set_tenant(session, "*")
        await session.execute(access_outbox.delete())
        await session.execute(
            access_outbox.insert(),
            [{"citizen_id": uuid.UUID(citizen), "entry": {"citizen_id": citizen, "what": "read"}}],
        )

    refused: list[int] = []

    def refuse(request: httpx.Request) -> httpx.Response:
        refused.append(len(json.loads(request.content)["entries"]))
        return httpx.Response(422, json={"title": "bad entry"})

    token_client = ServiceClient("http://registry.test", transport=httpx.MockTransport(refuse))
    shipper = AccessLogShipper(
        database, access_outbox, RegistryAccessLog(token_client), service="outcomes", give_up=GiveUp(max_attempts=3)
    )
    counted = DEAD_LETTERS.labels("outcomes")._value.get()
    try:
        for _ in range(3):
            assert await shipper.drain() == 0
        assert await shipper.drain() == 0  # given up: nothing left to send
    finally:
        await token_client.aclose()
    assert refused == [1, 1, 1]
    assert DEAD_LETTERS.labels("outcomes")._value.get() == counted + 1
    async with database.sessions() as session, session.begin():
        await set_tenant(session, "*")
        assert (await pending(session, access_outbox), await dead_letters(session, access_outbox)) == (0, 1)

    # One entry the registry will never take does not hold back the others: a refused batch goes one by one.
    poison = str(uuid.uuid4())
    async with database.sessions() as session, session.begin():
        await set_tenant(session, "*")
        rows = [citizen, poison, citizen]
        await session.execute(
            access_outbox.insert(),
            [{"citizen_id": uuid.UUID(value), "entry": {"citizen_id": value, "what": "read"}} for value in rows],
        )
    recorded: list[int] = []

    def picky(request: httpx.Request) -> httpx.Response:
        entries = json.loads(request.content)["entries"]
        if any(entry["citizen_id"] == poison for entry in entries):
            return httpx.Response(422, json={"title": "bad entry"})
        recorded.append(len(entries))
        return httpx.Response(200, json={"recorded": len(entries)})

    live = ServiceClient("http://registry.test", transport=httpx.MockTransport(picky))
    try:
        assert await AccessLogShipper(database, access_outbox, RegistryAccessLog(live), service="outcomes").drain() == 2
    finally:
        await live.aclose()
    assert recorded == [1, 1]
    async with database.sessions() as session, session.begin():
        await set_tenant(session, "*")
        assert (await pending(session, access_outbox), await dead_letters(session, access_outbox)) == (1, 1)
        await session.execute(access_outbox.delete())
        await session.execute(
            access_outbox.insert(),
            [{"citizen_id": uuid.UUID(citizen), "entry": {"citizen_id": citizen, "what": "read"}}],
        )

    # A registry that is down never makes an entry a dead letter by count, only by age.
    def down(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("registry down", request=request)

    unreachable = ServiceClient("http://registry.test", transport=httpx.MockTransport(down))
    try:
        patient = AccessLogShipper(
            database, access_outbox, RegistryAccessLog(unreachable), service="outcomes", give_up=GiveUp(max_attempts=1)
        )
        for _ in range(3):
            assert await patient.drain() == 0
        impatient = AccessLogShipper(
            database,
            access_outbox,
            RegistryAccessLog(unreachable),
            service="outcomes",
            give_up=GiveUp(max_age=timedelta(seconds=0)),
        )
        async with database.sessions() as session, session.begin():
            await set_tenant(session, "*")
            assert (await pending(session, access_outbox), await dead_letters(session, access_outbox)) == (1, 0)
        assert await impatient.drain() == 0
    finally:
        await unreachable.aclose()
    async with database.sessions() as session, session.begin():
        await set_tenant(session, "*")
        assert (await pending(session, access_outbox), await dead_letters(session, access_outbox)) == (0, 1)
        await session.execute(access_outbox.delete())
