"""The evaluation's net figures against a comparison group of non-enrolled citizens (ECONOMICS §7-8, issue 15).

The citizens are those of the worked example in docs/economics.md §8 (and tests/unit/test_comparison.py), in a
municipality and target group of their own so that no other test's citizens fall into their cells.
"""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest

from servicekit.testing import TokenFactory
from tests.conftest import FakeRegistryFeed
from tests.integration.world import add_citizen, add_partnership

MUNICIPALITY = "DK-0860"
GROUP = "net_example"
KINDS = ("ordinary", "flexjob", "smaajob", "wage_subsidy", "internship", "education", "not_placed")
KH = {"type": "kontanthjaelp_30plus", "monthly_amount": 1_232_600, "currency": "DKK", "since": "2024-01-01"}


@pytest.fixture
def hjorring(tokens: TokenFactory) -> dict[str, str]:
    scopes = ["outcomes:write", "outcomes:read", "reports:read", "settlements:write"]
    return tokens.headers(tenant=MUNICIPALITY, scopes=scopes, client_id="hjorring-jc")


def add_resident(registry: FakeRegistryFeed, benefit: dict[str, Any], birth_year: int = 1990) -> str:
    """A citizen the registry holds who is not enrolled: a candidate comparison."""
    citizen_id = str(uuid.uuid4())
    registry.add(
        "citizen",
        citizen_id,
        MUNICIPALITY,
        {
            "id": citizen_id,
            "municipality": MUNICIPALITY,
            "external_ref": "r",
            "birth_year": birth_year,
            "target_group": GROUP,
            "benefit": benefit,
        },
    )
    return citizen_id


def event(citizen_id: str, kind: str, on: str, data: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"id": uuid.uuid4().hex, "citizen_id": citizen_id, "type": kind, "occurred_on": on, "data": data or {}}


async def test_net_saving_against_the_comparison_group(
    client: httpx.AsyncClient, hjorring: dict[str, str], registry: FakeRegistryFeed, sync: Any
) -> None:
    partnership = add_partnership(registry, MUNICIPALITY)
    a = add_citizen(registry, partnership, target_group=GROUP, benefit=KH, enrolled_on="2024-03-01")
    add_resident(registry, KH)  # P1 stays on benefit
    add_resident(registry, KH)  # P1b stays on benefit
    p2 = add_resident(registry, KH)
    p3 = add_resident(registry, {**KH, "monthly_amount": 1_000_000})
    r = add_resident(registry, {**KH, "since": "2022-01-01"})
    far = add_resident(registry, {**KH, "since": "2023-06-01"})  # spell band [182, 365): not comparable
    await sync()
    # P2's end was first reported on the wrong day and then corrected: the pool reads what is in force.
    wrong = event(p2, "benefit_ended", "2024-05-20")
    assert (await client.post("/v1/outcome-events", json=wrong, headers=hjorring)).status_code == 201
    # The jobcenter sync sends the benefit events of everyone, enrolled or not, in bulk.
    events = [
        event(a, "benefit_ended", "2024-04-15"),
        {**event(p2, "benefit_ended", "2024-05-01"), "supersedes": wrong["id"]},
        event(p3, "benefit_ended", "2024-04-10"),
        event(r, "benefit_ended", "2023-06-01"),
        event(r, "benefit_resumed", "2024-02-01", {"type": "kontanthjaelp_30plus", "monthly_amount": 1_232_600}),
        event(r, "benefit_ended", "2024-04-16"),
        event(far, "benefit_ended", "2024-04-01"),
        # A's first placement is ordinary work; a later internship does not move the attribution.
        event(
            a,
            "placement_started",
            "2024-04-15",
            {"organisation_id": str(uuid.uuid4()), "hours_per_week": 37, "kind": "ordinary"},
        ),
        event(
            a,
            "placement_started",
            "2024-05-10",
            {"organisation_id": str(uuid.uuid4()), "hours_per_week": 30, "kind": "internship"},
        ),
    ]
    batch = await client.post("/v1/outcome-events:batch", json={"items": events}, headers=hjorring)
    assert batch.status_code == 200, batch.text
    assert {item["status"] for item in batch.json()["items"]} == {"created"}, batch.text
    params = {"partnership_id": partnership.id, "from": "2024-03-01", "to": "2024-06-01"}
    response = await client.get("/v1/evaluations", params=params, headers=hjorring)
    assert response.status_code == 200, response.text
    result = response.json()
    # docs/economics.md §8: five comparisons on rung exact (P1, P1b, P2, P3, R).
    assert result["comparison"] == {
        "matched": 1,
        "unmatched": 0,
        "by_rung": {"exact": 1, "without_age": 0, "country": 0},
    }
    assert [row["counterfactual_saving"] for row in result["by_month"]] == [0, 263_260, 693_040]
    assert [row["counterfactual_municipal_saving"] for row in result["by_month"]] == [0, 157_956, 415_824]
    assert [row["net_saving"] for row in result["by_month"]] == [0, 394_127, 539_560]
    assert [row["net_municipal_saving"] for row in result["by_month"]] == [0, 236_476, 323_736]
    assert result["gross_saving"] == 1_889_987
    assert result["net_saving"] == 933_687
    assert result["net_municipal_saving"] == 560_212
    assert result["unmatched_gross_saving"] == 0
    assert result["savings_by_payer"] == {"kommune": 1_133_992, "staten": 1_889_987 - 1_133_992}
    assert result["rate_card_ids"] == ["DK-2024"]
    assert result["by_placement_kind"]["ordinary"] == {
        "citizens": 1,
        "matched": 1,
        "gross_saving": 1_889_987,
        "municipal_saving": 1_133_992,
        "net_saving": 933_687,
        "net_municipal_saving": 560_212,
    }
    assert result["by_placement_kind"]["internship"]["citizens"] == 0
    assert result["by_placement_kind"]["not_placed"]["gross_saving"] == 0
    assert set(result["by_placement_kind"]) == {
        "ordinary", "flexjob", "smaajob", "wage_subsidy", "internship", "education", "not_placed"
    }  # fmt: skip
    forward = result["forward"]
    assert forward["horizon_months"] == 36
    assert (forward["observed_months"], forward["carried_months"]) == (3, 33)
    assert forward["savings_curve"] == [0, 236_476, 323_736]
    assert forward["fundable_cost_per_citizen"]["p5"] <= forward["fundable_cost_per_citizen"]["p95"]
    assert forward["answer"].startswith("Each citizen enrolled is expected to save")
    citizens = await client.get("/v1/evaluations/citizens", params=params, headers=hjorring)
    assert citizens.status_code == 200, citizens.text
    assert [(item["citizen_id"], item["rung"], item["comparisons"]) for item in citizens.json()["items"]] == [
        (a, "exact", 5)
    ]
    assert citizens.json()["items"][0]["net_saving"] == 933_687
    assert citizens.json()["items"][0]["placement_kind"] == "ordinary"
    # A contract paying 10 % of the savings on the net basis (the default): 10 % x 560,212 = 56,021.2 -> 56,021.
    contract = {
        "partnership_id": partnership.id,
        "side": "citizen_course",
        "payee_id": partnership.provider_id,
        "starts_on": "2024-01-01",
        "ends_on": "2025-07-01",
        "tariffs": {},
        "savings_share_percent": "10",
    }
    created = await client.post("/v1/contracts", json=contract, headers=hjorring)
    assert created.status_code == 201, created.text
    assert created.json()["savings_share_basis"] == "net"
    settlement = await client.post(
        "/v1/settlements",
        json={"contract_id": created.json()["id"], "from": "2024-03-01", "to": "2024-06-01"},
        headers=hjorring,
    )
    assert settlement.status_code == 201, settlement.text
    assert [(line["kind"], line["amount"], line["basis"], line["rung"]) for line in settlement.json()["lines"]] == [
        ("savings_share", 56_021, "net", "exact")
    ]
    # Every day is priced with the card valid on it, the comparisons' days too: a period across the turn
    # of the year lists both cards, and the months of 2024 keep their figures.
    across = await client.get("/v1/evaluations", params={**params, "to": "2025-02-01"}, headers=hjorring)
    assert across.json()["rate_card_ids"] == ["DK-2024", "DK-2025"]
    assert [row["net_municipal_saving"] for row in across.json()["by_month"][:3]] == [0, 236_476, 323_736]
    # A longer horizon is a request parameter.
    longer = await client.get("/v1/evaluations", params={**params, "horizon_months": 48}, headers=hjorring)
    assert longer.json()["forward"]["carried_months"] == 45


async def test_placement_needs_a_kind(
    client: httpx.AsyncClient, hjorring: dict[str, str], registry: FakeRegistryFeed, sync: Any
) -> None:
    partnership = add_partnership(registry, MUNICIPALITY)
    citizen = add_citizen(registry, partnership, target_group="other_group", enrolled_on="2024-03-01")
    await sync()
    placement = event(
        citizen, "placement_started", "2024-04-01", {"organisation_id": str(uuid.uuid4()), "hours_per_week": 30}
    )
    missing = await client.post("/v1/outcome-events", json=placement, headers=hjorring)
    assert missing.status_code == 422
    assert missing.json()["errors"][0]["field"] == "data.kind"
    placement["data"]["kind"] = "internship"
    assert (await client.post("/v1/outcome-events", json=placement, headers=hjorring)).status_code == 201
    # An internship on benefit is not a job: it counts only where the contract's milestone_kinds say so.
    base = {
        "partnership_id": partnership.id,
        "side": "citizen_course",
        "payee_id": partnership.provider_id,
        "starts_on": "2024-01-01",
        "ends_on": "2025-07-01",
        "tariffs": {"placement_started": 500_000},
    }
    bad = await client.post(
        "/v1/contracts", json={**base, "milestone_kinds": {"hired": ["ordinary"]}}, headers=hjorring
    )
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "milestone_kinds.hired"
    amounts = []
    for kinds in (None, {"placement_started": ["internship", "ordinary"]}):
        created = await client.post("/v1/contracts", json={**base, "milestone_kinds": kinds}, headers=hjorring)
        assert created.status_code == 201, created.text
        statement = await client.post(
            "/v1/settlements",
            json={"contract_id": created.json()["id"], "from": "2024-04-01", "to": "2024-05-01"},
            headers=hjorring,
        )
        amounts.append([line["amount"] for line in statement.json()["lines"]])
    assert amounts == [[], [500_000]]


async def test_csv_and_chart_show_net_against_costs(
    client: httpx.AsyncClient, hjorring: dict[str, str], registry: FakeRegistryFeed, sync: Any
) -> None:
    params = {"from": "2024-03-01", "to": "2024-06-01"}
    csv_response = await client.get("/v1/evaluations/months.csv", params=params, headers=hjorring)
    assert csv_response.status_code == 200, csv_response.text
    assert csv_response.headers["content-type"].startswith("text/csv")
    header, *rows = csv_response.text.splitlines()
    assert header.split(",")[:7] == [
        "month",
        "gross_saving",
        "municipal_saving",
        "counterfactual_saving",
        "counterfactual_municipal_saving",
        "net_saving",
        "net_municipal_saving",
    ]
    assert [row.split(",")[0] for row in rows] == ["2024-03", "2024-04", "2024-05"]
    columns = header.split(",")
    assert columns[-14:-12] == ["gross_saving_ordinary", "net_municipal_saving_ordinary"]
    assert columns[-2:] == ["gross_saving_not_placed", "net_municipal_saving_not_placed"]
    for row in rows:
        values = dict(zip(columns, row.split(","), strict=True))
        # Each month's gross is the sum of its kinds' gross.
        assert int(values["gross_saving"]) == sum(int(values[f"gross_saving_{kind}"]) for kind in KINDS)
    chart = await client.get("/v1/evaluations/chart.svg", params=params, headers=hjorring)
    assert chart.status_code == 200
    assert b"net municipal savings" in chart.content
