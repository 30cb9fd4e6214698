from __future__ import annotations

import uuid

import httpx
import pytest

from ..factories import opening, organisation


@pytest.fixture
async def employer(client: httpx.AsyncClient, stevns: dict[str, str]) -> str:
    response = await client.post("/v1/organisations", json=organisation(), headers=stevns)
    assert response.status_code == 201
    return str(response.json()["id"])


async def test_opening_happy_path(client: httpx.AsyncClient, stevns: dict[str, str], employer: str) -> None:
    created = await client.post("/v1/openings", json=opening(employer), headers=stevns)
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["hours_per_week"] == {"min": 8, "max": 15}
    assert body["status"] == "open"
    url = f"/v1/openings/{body['id']}"
    filled = await client.patch(url, json={"status": "filled"}, headers={**stevns, "If-Match": created.headers["etag"]})
    assert filled.status_code == 200
    assert filled.json()["status"] == "filled"
    assert (
        await client.patch(url, json={"seats": 3}, headers={**stevns, "If-Match": created.headers["etag"]})
    ).status_code == 412
    listed = (
        await client.get("/v1/openings", params={"status": "filled", "organisation_id": employer}, headers=stevns)
    ).json()
    assert [o["id"] for o in listed["items"]] == [body["id"]]
    assert (
        await client.post("/v1/openings", json=opening(employer, external_ref=body["external_ref"]), headers=stevns)
    ).status_code == 409
    assert (await client.delete(url, headers=stevns)).status_code == 204


@pytest.mark.parametrize(
    ("overrides", "fields"),
    [
        ({"occupation": "bb:occupation:astronaut"}, ["occupation"]),
        ({"skills": [{"code": "bb:skill:nope", "essential": True}]}, ["skills.0.code"]),
        ({"hours_per_week": {"min": 20, "max": 10}}, ["hours_per_week.max"]),
        ({"hours_per_week": {"min": 0, "max": 38}}, ["hours_per_week.min", "hours_per_week.max"]),
        ({"support_offered": ["free lunch"]}, ["support_offered.0"]),
        ({"organisation_id": str(uuid.uuid4())}, ["organisation_id"]),
        ({"status": "maybe"}, ["status"]),
    ],
)
async def test_invalid_opening_names_each_field(
    client: httpx.AsyncClient, stevns: dict[str, str], employer: str, overrides: dict[str, object], fields: list[str]
) -> None:
    response = await client.post("/v1/openings", json={**opening(employer), **overrides}, headers=stevns)
    assert response.status_code == 422, response.text
    assert [e["field"] for e in response.json()["errors"]] == fields


async def test_openings_batch_mixed_and_replayed(
    client: httpx.AsyncClient, stevns: dict[str, str], employer: str
) -> None:
    items = [
        opening(employer),
        opening(employer, occupation="bb:occupation:astronaut"),
        opening(str(uuid.uuid4())),
        opening(employer),
    ]
    headers = {**stevns, "Idempotency-Key": uuid.uuid4().hex}
    first = await client.post("/v1/openings:batch", json={"items": items}, headers=headers)
    assert first.status_code == 200, first.text
    assert [r["status"] for r in first.json()["items"]] == ["created", "error", "error", "created"]
    assert (await client.post("/v1/openings:batch", json={"items": items}, headers=headers)).json() == first.json()
    items[0] = {**items[0], "seats": 5}
    again = (await client.post("/v1/openings:batch", json={"items": items}, headers=stevns)).json()
    assert [r["status"] for r in again["items"]] == ["updated", "error", "error", "unchanged"]


async def test_other_municipality_gets_404_for_opening(
    client: httpx.AsyncClient, stevns: dict[str, str], jammerbugt: dict[str, str], employer: str
) -> None:
    created = (await client.post("/v1/openings", json=opening(employer), headers=stevns)).json()
    url = f"/v1/openings/{created['id']}"
    assert (await client.get(url, headers=jammerbugt)).status_code == 404
    assert (await client.patch(url, json={"seats": 1}, headers={**jammerbugt, "If-Match": '"1"'})).status_code == 404
    assert (await client.delete(url, headers=jammerbugt)).status_code == 404
    listed = (await client.get("/v1/openings", params={"limit": 200}, headers=jammerbugt)).json()["items"]
    assert created["id"] not in {o["id"] for o in listed}
    # Nor can Jammerbugt post openings for Stevns' employer.
    response = await client.post("/v1/openings", json=opening(employer), headers=jammerbugt)
    assert [e["field"] for e in response.json()["errors"]] == ["organisation_id"]
