from __future__ import annotations

from collections import Counter
from collections.abc import Awaitable, Callable

import httpx

from ..factories import citizen, opening

Sync = Callable[[], Awaitable[None]]


async def test_assignment_respects_seats_and_lists_the_unassigned(
    registry: httpx.AsyncClient,
    client: httpx.AsyncClient,
    stevns_registry: dict[str, str],
    reader: dict[str, str],
    employer: str,
    sync: Sync,
) -> None:
    for _ in range(2):
        response = await registry.post("/v1/openings", json=opening(employer, seats=2), headers=stevns_registry)
        assert response.status_code == 201
    for _ in range(3):
        assert (await registry.post("/v1/citizens", json=citizen(), headers=stevns_registry)).status_code == 201
    await sync()
    response = await client.post("/v1/assignments", json={"municipality": "DK-0336"}, headers=reader)
    assert response.status_code == 200, response.text
    body = response.json()
    seats = Counter(a["opening_id"] for a in body["assignments"])
    assert all(n <= 2 for n in seats.values())
    assert len({a["citizen_id"] for a in body["assignments"]}) == len(body["assignments"])
    assert {u["reason"] for u in body["unassigned"]} <= {"no_eligible_opening", "seats_went_to_a_higher_total_score"}
    assert body["total_score"] > 0


async def test_assignment_for_another_municipality_is_404_and_needs_one_scope(
    client: httpx.AsyncClient, jammerbugt_reader: dict[str, str]
) -> None:
    response = await client.post("/v1/assignments", json={"municipality": "DK-0336"}, headers=jammerbugt_reader)
    assert response.status_code == 404
    response = await client.post("/v1/assignments", json={}, headers=jammerbugt_reader)
    assert response.status_code == 422


async def test_minimum_share_is_reported_before_and_after(
    registry: httpx.AsyncClient,
    client: httpx.AsyncClient,
    stevns_registry: dict[str, str],
    reader: dict[str, str],
    employer: str,
    sync: Sync,
) -> None:
    assert (await registry.post("/v1/openings", json=opening(employer), headers=stevns_registry)).status_code == 201
    assert (await registry.post("/v1/citizens", json=citizen(), headers=stevns_registry)).status_code == 201
    await sync()
    body = {"municipality": "DK-0336", "min_share": {"cash_benefit": 0.5}}
    response = await client.post("/v1/assignments", json=body, headers=reader)
    assert response.status_code == 200, response.text
    fairness = response.json()["fairness"]
    assert fairness["min_share"] == {"cash_benefit": 0.5}
    assert {"groups", "opening_gini"} <= set(fairness["before"]) == set(fairness["after"])
    refused = await client.post(
        "/v1/assignments", json={"municipality": "DK-0336", "min_share": {"a": 0.8, "b": 0.5}}, headers=reader
    )
    assert refused.status_code == 422
