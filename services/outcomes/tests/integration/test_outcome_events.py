import uuid
from typing import Any

import httpx

from tests.conftest import FakeRegistryFeed
from tests.integration.world import add_citizen, add_partnership


def placement(citizen_id: str, event_id: str | None = None, on: str = "2024-04-15", **data: Any) -> dict[str, Any]:
    return {
        "id": event_id or uuid.uuid4().hex,
        "citizen_id": citizen_id,
        "type": "placement_started",
        "occurred_on": on,
        "data": {"organisation_id": str(uuid.uuid4()), "hours_per_week": 15, "kind": "ordinary", **data},
    }


async def test_same_id_same_body_replays_other_body_is_409(
    client: httpx.AsyncClient, stevns: dict[str, str], registry: FakeRegistryFeed, sync: Any
) -> None:
    citizen = add_citizen(registry, add_partnership(registry))
    await sync()
    event = placement(citizen)
    first = await client.post("/v1/outcome-events", json=event, headers=stevns)
    assert first.status_code == 201, first.text
    again = await client.post("/v1/outcome-events", json=event, headers=stevns)
    assert again.status_code == 200
    assert again.json() == first.json()
    other = await client.post("/v1/outcome-events", json={**event, "occurred_on": "2024-04-16"}, headers=stevns)
    assert other.status_code == 409
    assert [error["field"] for error in other.json()["errors"]] == ["id"]
    listed = (await client.get("/v1/outcome-events", params={"citizen_id": citizen}, headers=stevns)).json()
    assert [item["id"] for item in listed["items"]] == [event["id"]]


async def test_bad_input_is_422_naming_the_field(
    client: httpx.AsyncClient, stevns: dict[str, str], registry: FakeRegistryFeed, sync: Any
) -> None:
    citizen = add_citizen(registry, add_partnership(registry))
    await sync()
    cases = [
        (
            {**placement(citizen), "data": {"organisation_id": "x", "hours_per_week": 40, "kind": "ordinary"}},
            "data.hours_per_week",
        ),
        ({**placement(citizen), "type": "moved_house"}, "type"),
        (placement(str(uuid.uuid4())), "citizen_id"),
        (placement(citizen, on="2024-02-01"), "occurred_on"),
        (placement(citizen, on="2999-01-01"), "occurred_on"),
        (
            {
                "id": "e",
                "citizen_id": citizen,
                "type": "benefit_changed",
                "occurred_on": "2024-05-01",
                "data": {"type": "x", "monthly_amount": -5},
            },
            "data.monthly_amount",
        ),
        ({**placement(citizen), "supersedes": "nope"}, "supersedes"),
    ]
    for body, field in cases:
        response = await client.post("/v1/outcome-events", json=body, headers=stevns)
        assert response.status_code == 422, (field, response.text)
        assert response.headers["content-type"].startswith("application/problem+json")
        assert field in [error["field"] for error in response.json()["errors"]], response.text


async def test_a_placement_cannot_end_before_it_starts(
    client: httpx.AsyncClient, stevns: dict[str, str], registry: FakeRegistryFeed, sync: Any
) -> None:
    citizen = add_citizen(registry, add_partnership(registry))
    await sync()
    assert (
        await client.post("/v1/outcome-events", json=placement(citizen, on="2024-05-10"), headers=stevns)
    ).status_code == 201
    ended = {
        "id": uuid.uuid4().hex,
        "citizen_id": citizen,
        "type": "placement_ended",
        "occurred_on": "2024-05-01",
        "data": {},
    }
    response = await client.post("/v1/outcome-events", json=ended, headers=stevns)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "occurred_on"


async def test_batch_answers_per_item_and_one_refused_item_blocks_nothing(
    client: httpx.AsyncClient, stevns: dict[str, str], registry: FakeRegistryFeed, sync: Any
) -> None:
    citizen = add_citizen(registry, add_partnership(registry))
    await sync()
    good = placement(citizen)
    refused = {**placement(citizen), "occurred_on": "2999-01-01"}
    response = await client.post("/v1/outcome-events:batch", json={"items": [good, refused, good]}, headers=stevns)
    assert response.status_code == 200, response.text
    assert [item["status"] for item in response.json()["items"]] == ["created", "error", "unchanged"]
    assert response.json()["items"][1]["problem"]["errors"][0]["field"] == "occurred_on"


async def test_malformed_batch_item_is_422_naming_it_and_records_nothing(
    client: httpx.AsyncClient, stevns: dict[str, str], registry: FakeRegistryFeed, sync: Any
) -> None:
    citizen = add_citizen(registry, add_partnership(registry))
    await sync()
    bad = {**placement(citizen), "data": {"hours_per_week": 5, "kind": "ordinary"}}
    response = await client.post(
        "/v1/outcome-events:batch", json={"items": [placement(citizen), bad, {"id": "x"}]}, headers=stevns
    )
    assert response.status_code == 422, response.text
    fields = [error["field"] for error in response.json()["errors"]]
    assert fields == ["items.1.data.organisation_id", "items.2.type"]
    listed = await client.get("/v1/outcome-events", params={"citizen_id": citizen}, headers=stevns)
    assert listed.json()["items"] == []


async def test_other_municipality_cannot_see_or_write_the_citizen(
    client: httpx.AsyncClient, stevns: dict[str, str], jammerbugt: dict[str, str], registry: FakeRegistryFeed, sync: Any
) -> None:
    citizen = add_citizen(registry, add_partnership(registry))
    await sync()
    event = placement(citizen)
    assert (await client.post("/v1/outcome-events", json=event, headers=stevns)).status_code == 201
    stranger = await client.post("/v1/outcome-events", json=placement(citizen), headers=jammerbugt)
    assert stranger.status_code == 422
    assert stranger.json()["errors"][0]["field"] == "citizen_id"
    listed = (await client.get("/v1/outcome-events", params={"citizen_id": citizen}, headers=jammerbugt)).json()
    assert listed["items"] == []


async def test_reader_cannot_write(client: httpx.AsyncClient, tokens: Any) -> None:
    reader = tokens.headers(tenant="DK-0336", scopes=["outcomes:read"])
    assert (
        await client.post("/v1/outcome-events", json=placement(str(uuid.uuid4())), headers=reader)
    ).status_code == 403
