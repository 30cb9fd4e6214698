import uuid
from typing import Any

import httpx

from tests.conftest import FakeRegistryFeed
from tests.integration.world import Partnership, add_citizen, add_partnership


def contract_body(partnership: Partnership, **overrides: Any) -> dict[str, Any]:
    return {
        "partnership_id": partnership.id,
        "side": "citizen_course",
        "payee_id": partnership.provider_id,
        "starts_on": "2024-01-01",
        "ends_on": "2025-07-01",
        "tariffs": {"placement_started": 500_000, "retained_3m": 1_000_000},
        "premium_percent": {"integration": "25"},
        "cap_per_citizen": 1_500_000,
        "cap_total": 2_000_000,
        **overrides,
    }


async def post_event(
    client: httpx.AsyncClient, headers: dict[str, str], citizen: str, kind: str, on: str, **extra: Any
) -> dict[str, Any]:
    data = (
        {"organisation_id": str(uuid.uuid4()), "hours_per_week": 20, "kind": "ordinary"}
        if kind == "placement_started"
        else {}
    )
    body = {"id": uuid.uuid4().hex, "citizen_id": citizen, "type": kind, "occurred_on": on, "data": data, **extra}
    response = await client.post("/v1/outcome-events", json=body, headers=headers)
    assert response.status_code == 201, response.text
    return body


async def test_cap_rerun_csv_and_late_correction(
    client: httpx.AsyncClient, stevns: dict[str, str], jammerbugt: dict[str, str], registry: FakeRegistryFeed, sync: Any
) -> None:
    partnership = add_partnership(registry)
    a = add_citizen(registry, partnership, enrolled_on="2024-01-01")
    b = add_citizen(registry, partnership, target_group="integration", enrolled_on="2024-01-01")
    await sync()
    contract = await client.post("/v1/contracts", json=contract_body(partnership), headers=stevns)
    assert contract.status_code == 201, contract.text
    contract_id = contract.json()["id"]
    await post_event(client, stevns, a, "placement_started", "2024-02-10")
    await post_event(client, stevns, b, "placement_started", "2024-02-05")
    period = {"contract_id": contract_id, "from": "2024-02-01", "to": "2024-06-01"}
    first = await client.post("/v1/settlements", json=period, headers=stevns)
    assert first.status_code == 201, first.text
    statement = first.json()
    assert [(line["milestone"], line["amount"], line["reason"]) for line in statement["lines"]] == [
        ("placement_started", 625_000, None),
        ("placement_started", 500_000, None),
        ("retained_3m", 875_000, "cap"),
        ("retained_3m", 0, "cap"),
    ]
    assert statement["total"] == 2_000_000 == sum(line["amount"] for line in statement["lines"])
    assert statement["from"] == "2024-02-01"
    again = await client.post("/v1/settlements", json=period, headers=stevns)
    assert again.status_code == 200
    assert again.json() == statement
    csv = await client.get(f"/v1/settlements/{statement['id']}.csv", headers=stevns)
    assert csv.status_code == 200
    assert csv.headers["content-type"].startswith("text/csv")
    assert csv.text.splitlines()[-1] == "total,,,,,,2000000,,"
    assert (
        await client.get(f"/v1/settlements/{statement['id']}", params={"format": "csv"}, headers=stevns)
    ).text == csv.text
    # Another municipality sees neither the contract nor the statement.
    assert (await client.get(f"/v1/contracts/{contract_id}", headers=jammerbugt)).status_code == 404
    assert (await client.get(f"/v1/settlements/{statement['id']}", headers=jammerbugt)).status_code == 404
    # A later period never exceeds the caps; an overlapping one is refused.
    later = await client.post(
        "/v1/settlements", json={**period, "from": "2024-06-01", "to": "2024-09-01"}, headers=stevns
    )
    assert later.status_code == 201
    assert later.json()["total"] == 0
    overlap = await client.post(
        "/v1/settlements", json={**period, "from": "2024-05-01", "to": "2024-10-01"}, headers=stevns
    )
    assert overlap.status_code == 422
    assert overlap.json()["errors"][0]["field"] == "from"


async def test_correction_produces_an_adjustment_in_the_next_statement(
    client: httpx.AsyncClient, stevns: dict[str, str], registry: FakeRegistryFeed, sync: Any
) -> None:
    partnership = add_partnership(registry)
    a = add_citizen(registry, partnership, enrolled_on="2024-01-01")
    await sync()
    body = contract_body(partnership, tariffs={"placement_started": 500_000}, cap_per_citizen=None, cap_total=None)
    contract_id = (await client.post("/v1/contracts", json=body, headers=stevns)).json()["id"]
    wrong = await post_event(client, stevns, a, "placement_started", "2024-02-10")
    february = (
        await client.post(
            "/v1/settlements",
            json={"contract_id": contract_id, "from": "2024-02-01", "to": "2024-03-01"},
            headers=stevns,
        )
    ).json()
    assert february["total"] == 500_000
    await post_event(client, stevns, a, "education_started", "2024-02-10", supersedes=wrong["id"])
    march = (
        await client.post(
            "/v1/settlements",
            json={"contract_id": contract_id, "from": "2024-03-01", "to": "2024-04-01"},
            headers=stevns,
        )
    ).json()
    assert [(line["kind"], line["amount"], line["reason"]) for line in march["lines"]] == [
        ("adjustment", -500_000, "correction")
    ]


async def test_savings_share_line_from_the_feed_and_events(
    client: httpx.AsyncClient, stevns: dict[str, str], registry: FakeRegistryFeed, sync: Any
) -> None:
    # The worked example: municipal savings April 394,432 + May 739,560; 10 % = 113,399.
    partnership = add_partnership(registry)
    a = add_citizen(registry, partnership, enrolled_on="2024-03-01")
    await sync()
    body = contract_body(
        partnership,
        tariffs={},
        savings_share_percent="10",
        savings_share_basis="gross",
        cap_per_citizen=None,
        cap_total=None,
    )
    contract_id = (await client.post("/v1/contracts", json=body, headers=stevns)).json()["id"]
    await post_event(client, stevns, a, "benefit_ended", "2024-04-15")
    statement = (
        await client.post(
            "/v1/settlements",
            json={"contract_id": contract_id, "from": "2024-04-01", "to": "2024-06-01"},
            headers=stevns,
        )
    ).json()
    assert [(line["kind"], line["reached_on"], line["amount"]) for line in statement["lines"]] == [
        ("savings_share", "2024-05-31", 113_399)
    ]
    assert (statement["lines"][0]["basis"], statement["lines"][0]["rung"]) == ("gross", None)


async def test_contract_and_settlement_input_errors_name_the_field(
    client: httpx.AsyncClient, stevns: dict[str, str], registry: FakeRegistryFeed, sync: Any
) -> None:
    partnership = add_partnership(registry)
    await sync()
    cases = [
        (contract_body(partnership, tariffs={"moon_landing": 5}), "tariffs"),
        (contract_body(partnership, partnership_id=str(uuid.uuid4())), "partnership_id"),
        (contract_body(partnership, rate_card_id="XX-1"), "rate_card_id"),
    ]
    for body, field in cases:
        response = await client.post("/v1/contracts", json=body, headers=stevns)
        assert response.status_code == 422, response.text
        assert response.json()["errors"][0]["field"] == field
    contract_id = (await client.post("/v1/contracts", json=contract_body(partnership), headers=stevns)).json()["id"]
    response = await client.post(
        "/v1/settlements", json={"contract_id": contract_id, "from": "2024-02-03", "to": "2024-03-01"}, headers=stevns
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "from"
    missing = await client.post(
        "/v1/settlements",
        json={"contract_id": str(uuid.uuid4()), "from": "2024-02-01", "to": "2024-03-01"},
        headers=stevns,
    )
    assert missing.status_code == 404


async def test_company_side_pays_for_hires_at_the_company(
    client: httpx.AsyncClient, stevns: dict[str, str], registry: FakeRegistryFeed, sync: Any
) -> None:
    partnership = add_partnership(registry, company_started_on="2024-02-01")
    a = add_citizen(registry, partnership, enrolled_on="2024-01-01")
    b = add_citizen(registry, partnership, enrolled_on="2024-01-01")
    await sync()
    body = contract_body(
        partnership,
        side="company_accelerator",
        payee_id=partnership.provider_id,
        tariffs={"placement_started": 300_000},
        cap_per_citizen=None,
        cap_total=None,
    )
    contract = await client.post("/v1/contracts", json=body, headers=stevns)
    assert contract.json()["company_id"] == partnership.company_id
    hire = {
        "id": uuid.uuid4().hex,
        "citizen_id": a,
        "type": "placement_started",
        "occurred_on": "2024-03-04",
        "data": {"organisation_id": partnership.company_id, "hours_per_week": 12, "kind": "ordinary"},
    }
    assert (await client.post("/v1/outcome-events", json=hire, headers=stevns)).status_code == 201
    await post_event(client, stevns, b, "placement_started", "2024-03-05")  # elsewhere: not the company's hire
    statement = (
        await client.post(
            "/v1/settlements",
            json={"contract_id": contract.json()["id"], "from": "2024-03-01", "to": "2024-04-01"},
            headers=stevns,
        )
    ).json()
    assert [(line["citizen_id"], line["amount"]) for line in statement["lines"]] == [(a, 300_000)]


async def test_contract_payee_and_company_must_belong_to_the_partnership(
    client: httpx.AsyncClient, stevns: dict[str, str], registry: FakeRegistryFeed, sync: Any
) -> None:
    partnership = add_partnership(registry)
    elsewhere = add_partnership(registry, "DK-0849")
    await sync()
    cases = [
        (contract_body(partnership, payee_id=elsewhere.provider_id), "payee_id"),
        (contract_body(partnership, payee_id=str(uuid.uuid4())), "payee_id"),
        (contract_body(partnership, side="company_accelerator", company_id=elsewhere.company_id), "company_id"),
    ]
    for body, field in cases:
        response = await client.post("/v1/contracts", json=body, headers=stevns)
        assert response.status_code == 422, response.text
        assert response.json()["errors"][0]["field"] == field
    for payee in (partnership.provider_id, partnership.company_id):
        accepted = await client.post("/v1/contracts", json=contract_body(partnership, payee_id=payee), headers=stevns)
        assert accepted.status_code == 201, accepted.text


async def test_national_client_lists_contracts_settlements_and_events_of_one_municipality(
    client: httpx.AsyncClient,
    stevns: dict[str, str],
    jammerbugt: dict[str, str],
    national: dict[str, str],
    registry: FakeRegistryFeed,
    sync: Any,
) -> None:
    here = add_partnership(registry)
    there = add_partnership(registry, "DK-0849")
    citizen_here = add_citizen(registry, here, enrolled_on="2024-01-01")
    citizen_there = add_citizen(registry, there, enrolled_on="2024-01-01")
    await sync()
    ids: dict[str, dict[str, str]] = {}
    for municipality, partnership, citizen, headers in (
        ("DK-0336", here, citizen_here, stevns),
        ("DK-0849", there, citizen_there, jammerbugt),
    ):
        contract = (await client.post("/v1/contracts", json=contract_body(partnership), headers=headers)).json()
        event = await post_event(client, headers, citizen, "placement_started", "2024-02-10")
        period = {"contract_id": contract["id"], "from": "2024-02-01", "to": "2024-03-01"}
        settlement = (await client.post("/v1/settlements", json=period, headers=headers)).json()
        ids[municipality] = {
            "contracts": contract["id"],
            "outcome-events": event["id"],
            "settlements": settlement["id"],
        }
    for collection in ("contracts", "outcome-events", "settlements"):
        listed = await client.get(f"/v1/{collection}", params={"municipality": "DK-0849"}, headers=national)
        assert listed.status_code == 200, listed.text
        assert [item["id"] for item in listed.json()["items"]] == [ids["DK-0849"][collection]], collection
        # A municipal token asking for another municipality's rows sees none of them.
        foreign = await client.get(f"/v1/{collection}", params={"municipality": "DK-0849"}, headers=stevns)
        assert foreign.json()["items"] == [], collection
    bad = await client.get("/v1/contracts", params={"municipality": "Stevns"}, headers=national)
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "query.municipality"
