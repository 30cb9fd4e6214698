from typing import Any

import httpx

from tests.integration.test_settlements import contract_body, post_event
from tests.integration.world import add_citizen, add_partnership

BODY: dict[str, Any] = {
    "groups": [
        {
            "target_group": "cash_benefit",
            "citizens": 60,
            "placement_probability": 0.45,
            "monthly_dropout": 0.05,
            "monthly_benefit": 1_232_600,
        },
        {
            "target_group": "flexjob",
            "citizens": 40,
            "placement_probability": 0.5,
            "monthly_dropout": 0.03,
            "monthly_benefit": 1_812_000,
            "residual_benefit_share": 0.6,
        },
    ],
    "companies": 2,
    "tariffs": {"placement_started": 500_000, "retained_3m": 1_000_000, "retained_12m": 2_000_000},
    "savings_share_percent": 10,
    "runs": 300,
    "seed": 4,
}


async def test_simulation_is_seeded_and_stored(
    client: httpx.AsyncClient, stevns: dict[str, str], jammerbugt: dict[str, str]
) -> None:
    first = await client.post("/v1/simulations", json=BODY, headers=stevns)
    assert first.status_code == 201, first.text
    second = await client.post("/v1/simulations", json=BODY, headers=stevns)
    assert first.json()["result"] == second.json()["result"]
    result = first.json()["result"]
    assert set(result["municipal_net_gain"]) == {"mean", "p5", "p50", "p95"}
    assert (
        result["municipal_net_gain"]["p5"] <= result["municipal_net_gain"]["p50"] <= result["municipal_net_gain"]["p95"]
    )
    assert 0 <= result["probability_investor_loses"] <= 1
    assert result["programme_costs"] == 100 * 3_000_000 + 2 * 10_000_000
    simulation_id = first.json()["id"]
    assert (await client.get(f"/v1/simulations/{simulation_id}", headers=stevns)).json() == first.json()
    assert (await client.get(f"/v1/simulations/{simulation_id}", headers=jammerbugt)).status_code == 404


async def test_simulation_input_errors_name_the_field(client: httpx.AsyncClient, stevns: dict[str, str]) -> None:
    bad = {**BODY, "groups": [{**BODY["groups"][0], "placement_probability": 1.5}]}
    response = await client.post("/v1/simulations", json=bad, headers=stevns)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "groups.0.placement_probability"


async def test_out_of_range_runs_rates_and_horizon_are_422(client: httpx.AsyncClient, stevns: dict[str, str]) -> None:
    for field, value in (("runs", 100_001), ("savings_share_percent", -1), ("horizon_months", 121)):
        response = await client.post("/v1/simulations", json={**BODY, field: value}, headers=stevns)
        assert response.status_code == 422, field
        assert response.json()["errors"][0]["field"] == field
    negative = {**BODY, "groups": [{**BODY["groups"][0], "monthly_dropout": -0.1}]}
    assert (await client.post("/v1/simulations", json=negative, headers=stevns)).status_code == 422


async def test_a_social_impact_bond_shows_flows_per_payer_and_the_investors_odds(
    client: httpx.AsyncClient, stevns: dict[str, str]
) -> None:
    body = {**BODY, "investor_funded": True, "investor_capital": 300_000_000, "investor_target_irr": 0.05}
    result = (await client.post("/v1/simulations", json=body, headers=stevns)).json()["result"]
    assert set(result["flows"]) == {"investor_to_provider", "municipality_to_investor", "state_refusion_change"}
    repayment = result["flows"]["municipality_to_investor"]
    assert (repayment["payer"], repayment["payee"]) == ("municipality", "investor")
    assert len(repayment["nominal"]["p50"]) == 36 == len(repayment["discounted"]["p95"])
    assert 0 <= result["probability_investor_loses"] <= result["probability_investor_below_target"] <= 1
    assert len(result["cumulative_net"]["mean"]) == 36


async def test_flows_come_as_csv_and_as_a_chart(client: httpx.AsyncClient, stevns: dict[str, str]) -> None:
    simulation = (await client.post("/v1/simulations", json={**BODY, "runs": 100}, headers=stevns)).json()
    csv = await client.get(f"/v1/simulations/{simulation['id']}/flows.csv", headers=stevns)
    assert csv.status_code == 200
    lines = csv.text.splitlines()
    assert lines[0] == "month,flow,payer,payee,basis,mean,p5,p50,p95"
    assert len(lines) == 1 + 2 * 2 * 36  # two flows, nominal and discounted, 36 months
    assert lines[1].startswith("0,municipality_to_provider,municipality,provider,nominal,")
    chart = await client.get(f"/v1/simulations/{simulation['id']}/flows.svg", headers=stevns)
    assert chart.status_code == 200
    assert chart.headers["content-type"].startswith("image/svg+xml")
    assert b"<svg" in chart.content[:500]


async def test_a_partnership_is_simulated_from_its_contract_and_observed_cohort(
    client: httpx.AsyncClient, stevns: dict[str, str], jammerbugt: dict[str, str], registry: Any, sync: Any
) -> None:
    partnership = add_partnership(registry)
    placed = add_citizen(registry, partnership, enrolled_on="2024-01-01")
    add_citizen(registry, partnership, enrolled_on="2024-01-01")
    add_citizen(registry, partnership, target_group="integration", enrolled_on="2024-02-01")
    await sync()
    body = {"partnership_id": partnership.id, "runs": 200, "seed": 3}
    assert (await client.post("/v1/simulations", json=body, headers=stevns)).status_code == 422  # no contract yet
    await client.post("/v1/contracts", json=contract_body(partnership), headers=stevns)
    await post_event(client, stevns, placed, "placement_started", "2024-02-10")
    response = await client.post("/v1/simulations", json=body, headers=stevns)
    assert response.status_code == 201, response.text
    request = response.json()["request"]
    assert request["tariffs"] == {"placement_started": 500_000, "retained_3m": 1_000_000}
    assert request["cap_total"] == 2_000_000
    assert {(g["target_group"], g["citizens"], g["already_placed"]) for g in request["cohort"]} == {
        ("cash_benefit", 2, 1),
        ("integration", 1, 0),
    }
    result = response.json()["result"]
    assert result["outcome_payments"]["p5"] >= 500_000  # the placement already made is always paid
    assert "municipality_to_provider" in result["flows"]
    assert (await client.post("/v1/simulations", json=body, headers=jammerbugt)).status_code == 404
    assert (await client.post("/v1/simulations", json={"runs": 10}, headers=stevns)).status_code == 422


async def test_a_company_side_contract_adds_the_municipality_to_company_flow(
    client: httpx.AsyncClient, stevns: dict[str, str], registry: Any, sync: Any
) -> None:
    partnership = add_partnership(registry)
    hired = add_citizen(registry, partnership, enrolled_on="2024-01-01")
    add_citizen(registry, partnership, enrolled_on="2024-01-01")
    await sync()
    await client.post("/v1/contracts", json=contract_body(partnership), headers=stevns)
    company_side = contract_body(
        partnership,
        side="company_accelerator",
        payee_id=partnership.company_id,
        tariffs={"placement_started": 200_000},
        premium_percent={},
    )
    assert (await client.post("/v1/contracts", json=company_side, headers=stevns)).status_code == 201
    await post_event(
        client,
        stevns,
        hired,
        "placement_started",
        "2024-02-10",
        data={"organisation_id": partnership.company_id, "hours_per_week": 20, "kind": "ordinary"},
    )
    body = {"partnership_id": partnership.id, "runs": 200, "seed": 3}
    response = await client.post("/v1/simulations", json=body, headers=stevns)
    assert response.status_code == 201, response.text
    assert response.json()["request"]["company_contract"]["company_hire_share"] == 1.0
    flows = response.json()["result"]["flows"]
    assert (flows["municipality_to_company"]["payer"], flows["municipality_to_company"]["payee"]) == (
        "municipality",
        "company",
    )
    assert sum(flows["municipality_to_company"]["nominal"]["mean"]) >= 200_000
    none = await client.post("/v1/simulations", json={**body, "company_hire_share": 0}, headers=stevns)
    assert "municipality_to_company" not in none.json()["result"]["flows"]
