from __future__ import annotations

import math
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
from fastapi import FastAPI

from ..factories import citizen, opening

Sync = Callable[[], Awaitable[None]]


def logit(p: float) -> float:
    return math.log(p / (1 - p))


async def create(
    registry: httpx.AsyncClient, path: str, body: dict[str, Any], headers: dict[str, str]
) -> dict[str, Any]:
    response = await registry.post(path, json=body, headers=headers)
    assert response.status_code == 201, response.text
    return dict(response.json())


async def test_feed_sync_gives_explained_recommendations_both_ways(
    registry: httpx.AsyncClient,
    client: httpx.AsyncClient,
    stevns_registry: dict[str, str],
    reader: dict[str, str],
    employer: str,
    sync: Sync,
) -> None:
    job = await create(registry, "/v1/openings", opening(employer), stevns_registry)
    skilled = await create(registry, "/v1/citizens", citizen(), stevns_registry)
    unskilled = await create(registry, "/v1/citizens", citizen(skills=["bb:skill:drive-car"]), stevns_registry)
    await sync()

    response = await client.get(
        "/v1/recommendations", params={"citizen_id": skilled["id"], "limit": 50}, headers=reader
    )
    assert response.status_code == 200, response.text
    mine = next(item for item in response.json()["items"] if item["opening_id"] == job["id"])
    assert 0 < mine["score"] <= 1
    assert {s["label"] for s in mine["explanation"]["matched_skills"]} >= {
        "wash dishes",
        "apply food safety and hygiene",
    }
    assert mine["explanation"]["hours_fit"]["fits"] is True
    assert mine["explanation"]["distance_km"] == 0.0
    assert response.json()["model"]["name"] in {"default-weighted", "calibrated-logistic"}
    for item in response.json()["items"]:  # every served item: the model's own terms add up to its score
        assert math.isclose(sum(item["explanation"]["contributions"].values()), logit(item["score"]), abs_tol=2e-3)

    ranked = await client.get("/v1/recommendations", params={"opening_id": job["id"], "limit": 100}, headers=reader)
    order = [item["citizen_id"] for item in ranked.json()["items"]]
    assert order.index(skilled["id"]) < order.index(unskilled["id"])
    assert [item["rank"] for item in ranked.json()["items"]] == list(range(1, len(order) + 1))


async def test_filters_limit_the_openings(
    registry: httpx.AsyncClient,
    client: httpx.AsyncClient,
    stevns_registry: dict[str, str],
    reader: dict[str, str],
    employer: str,
    sync: Sync,
) -> None:
    flex = await create(registry, "/v1/openings", opening(employer, flexjob=True), stevns_registry)
    person = await create(registry, "/v1/citizens", citizen(target_group="flexjob"), stevns_registry)
    await sync()
    params = {"citizen_id": person["id"], "limit": 100, "flexjob_only": "true", "max_distance_km": 5}
    items = (await client.get("/v1/recommendations", params=params, headers=reader)).json()["items"]
    assert flex["id"] in {item["opening_id"] for item in items}
    assert all(item["explanation"]["distance_km"] <= 5 for item in items)


async def test_consent_withdrawal_stops_scoring_and_erasure_deletes_features(
    registry: httpx.AsyncClient,
    client: httpx.AsyncClient,
    matching_app: FastAPI,
    stevns_registry: dict[str, str],
    reader: dict[str, str],
    sync: Sync,
) -> None:
    person = await create(registry, "/v1/citizens", citizen(), stevns_registry)
    await sync()
    url = f"/v1/citizens/{person['id']}"
    current = await registry.get(url, headers=stevns_registry)
    withdrawn = await registry.patch(
        url,
        json={"consent": {"matching": False, "given_at": "2026-02-01T10:00:00+01:00"}},
        headers={**stevns_registry, "If-Match": current.headers["etag"]},
    )
    assert withdrawn.status_code == 200, withdrawn.text
    await sync()
    refused = await client.get("/v1/recommendations", params={"citizen_id": person["id"]}, headers=reader)
    assert refused.status_code == 409
    assert "consent" in refused.json()["detail"]

    assert (await registry.delete(url, headers=stevns_registry)).status_code == 204
    await sync()
    gone = await client.get("/v1/recommendations", params={"citizen_id": person["id"]}, headers=reader)
    assert gone.status_code == 404


async def test_sync_is_idempotent_and_resumes_from_the_stored_cursor(
    registry: httpx.AsyncClient,
    client: httpx.AsyncClient,
    matching_app: FastAPI,
    stevns_registry: dict[str, str],
    reader: dict[str, str],
    sync: Sync,
) -> None:
    await sync()
    before = (await client.get("/readyz")).json()["checks"]["feeds"]["registry"]
    person = await create(registry, "/v1/citizens", citizen(), stevns_registry)
    behind = (await client.get("/readyz")).json()["checks"]["feeds"]["registry"]
    assert behind["position"] == before["position"]  # nothing applied while "down"
    await sync()
    after = (await client.get("/readyz")).json()["checks"]["feeds"]["registry"]
    assert after["lag"] == 0
    assert after["position"] > before["position"]
    assert (await matching_app.state.feed.poll_once()) == 0  # caught up: nothing re-applied
    response = await client.get("/v1/recommendations", params={"citizen_id": person["id"]}, headers=reader)
    assert response.status_code == 200


async def test_other_municipality_gets_404_and_bad_input_422(
    registry: httpx.AsyncClient,
    client: httpx.AsyncClient,
    stevns_registry: dict[str, str],
    reader: dict[str, str],
    jammerbugt_reader: dict[str, str],
    employer: str,
    sync: Sync,
) -> None:
    person = await create(registry, "/v1/citizens", citizen(), stevns_registry)
    job = await create(registry, "/v1/openings", opening(employer), stevns_registry)
    await sync()
    for params in ({"citizen_id": person["id"]}, {"opening_id": job["id"]}):
        assert (await client.get("/v1/recommendations", params=params, headers=jammerbugt_reader)).status_code == 404
    exposure = await client.get(
        "/v1/recommendations/exposure", params={"municipality": "DK-0336"}, headers=jammerbugt_reader
    )
    assert exposure.status_code == 404
    unknown = {"citizen_id": "00000000-0000-4000-8000-000000000000"}
    assert (await client.get("/v1/recommendations", params=unknown, headers=reader)).status_code == 404
    for params in ({"citizen_id": person["id"], "limit": 0}, {"citizen_id": person["id"], "limit": 101}, {}):
        response = await client.get("/v1/recommendations", params=params, headers=reader)
        assert response.status_code == 422, params
    both = {"citizen_id": person["id"], "opening_id": job["id"]}
    assert (await client.get("/v1/recommendations", params=both, headers=reader)).status_code == 422
    assert (await client.get("/v1/recommendations", params={"citizen_id": person["id"]})).status_code == 401


async def test_exposure_reports_each_target_groups_share_of_top_10_slots(
    registry: httpx.AsyncClient,
    client: httpx.AsyncClient,
    stevns_registry: dict[str, str],
    reader: dict[str, str],
    employer: str,
    sync: Sync,
) -> None:
    await create(registry, "/v1/openings", opening(employer), stevns_registry)
    await create(registry, "/v1/citizens", citizen(target_group="integration"), stevns_registry)
    await sync()
    response = await client.get("/v1/recommendations/exposure", params={"municipality": "DK-0336"}, headers=reader)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["openings"] >= 1
    groups = {g["target_group"]: g for g in body["groups"]}
    assert "integration" in groups
    assert abs(sum(g["citizen_share"] for g in body["groups"]) - 1) < 0.01
