import uuid
from typing import Any

import httpx

from tests.conftest import FakeRegistryFeed
from tests.integration.world import add_citizen, add_partnership


async def test_evaluation_of_a_partnership_follows_the_rules_of_account(
    client: httpx.AsyncClient,
    stevns: dict[str, str],
    jammerbugt: dict[str, str],
    national: dict[str, str],
    registry: FakeRegistryFeed,
    sync: Any,
) -> None:
    partnership = add_partnership(registry, company_started_on="2024-03-01")
    citizen = add_citizen(registry, partnership, enrolled_on="2024-03-01")
    await sync()
    event = {
        "id": uuid.uuid4().hex,
        "citizen_id": citizen,
        "type": "benefit_ended",
        "occurred_on": "2024-04-15",
        "data": {},
    }
    assert (await client.post("/v1/outcome-events", json=event, headers=stevns)).status_code == 201
    params = {"partnership_id": partnership.id, "from": "2024-03-01", "to": "2024-06-01"}
    response = await client.get("/v1/evaluations", params=params, headers=stevns)
    assert response.status_code == 200, response.text
    result = response.json()
    # The worked example: gross 657,387 + 1,232,600; municipal 394,432 + 739,560; costs from the DK-2025
    # rate card: 30,000 kr. per citizen and 100,000 kr. per company in March.
    assert [row["municipal_saving"] for row in result["by_month"]] == [0, 394_432, 739_560]
    assert result["gross_saving"] == 1_889_987
    assert result["state_saving"] == 1_889_987 - 1_133_992
    assert result["programme_costs"] == 3_000_000 + 10_000_000
    assert result["net_gain"] == 1_133_992 - 13_000_000
    assert result["economic_gain"] is False
    assert result["break_even_month"] is None
    assert result["by_target_group"]["cash_benefit"]["citizens"] == 1
    assert result["uncertainty"]["net_gain_p50"] == result["net_gain"]
    assert (await client.get("/v1/evaluations", params=params, headers=jammerbugt)).status_code == 404
    assert (
        await client.get("/v1/evaluations", params={"municipality": "DK-0336"}, headers=jammerbugt)
    ).status_code == 404
    national_view = await client.get(
        "/v1/evaluations", params={"from": "2024-03-01", "to": "2024-06-01"}, headers=national
    )
    assert national_view.status_code == 200
    assert national_view.json()["municipal_saving"] >= 1_133_992


async def test_chart_is_svg_or_png(client: httpx.AsyncClient, stevns: dict[str, str]) -> None:
    svg = await client.get(
        "/v1/evaluations/chart.svg", params={"from": "2024-01-01", "to": "2024-07-01"}, headers=stevns
    )
    assert svg.status_code == 200, svg.text
    assert svg.headers["content-type"] == "image/svg+xml"
    assert b"<svg" in svg.content[:500]
    png = await client.get(
        "/v1/evaluations/chart.png", params={"from": "2024-01-01", "to": "2024-07-01"}, headers=stevns
    )
    assert png.content[:8] == b"\x89PNG\r\n\x1a\n"
    assert (await client.get("/v1/evaluations/chart.gif", headers=stevns)).status_code == 404


async def test_period_must_be_whole_months(client: httpx.AsyncClient, stevns: dict[str, str]) -> None:
    response = await client.get("/v1/evaluations", params={"from": "2024-01-15", "to": "2024-07-01"}, headers=stevns)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "from"


async def test_evaluation_views_keep_scope_rules(
    client: httpx.AsyncClient,
    stevns: dict[str, str],
    jammerbugt: dict[str, str],
    registry: FakeRegistryFeed,
    sync: Any,
) -> None:
    """The citizens, CSV and chart views evaluate through one dependency: another municipality's
    partnership is 404 and a period that is not whole months names `from`, in every view."""
    partnership = add_partnership(registry, company_started_on="2024-03-01")
    await sync()
    views = ("/v1/evaluations/citizens", "/v1/evaluations/months.csv", "/v1/evaluations/chart.svg")
    for path in views:
        theirs = await client.get(path, params={"partnership_id": partnership.id}, headers=jammerbugt)
        assert theirs.status_code == 404, path
        ours = await client.get(path, params={"partnership_id": partnership.id}, headers=stevns)
        assert ours.status_code == 200, path
        uneven = await client.get(path, params={"from": "2024-01-15", "to": "2024-07-01"}, headers=stevns)
        assert uneven.status_code == 422, path
        assert uneven.json()["errors"][0]["field"] == "from"
