"""Programme costs as recorded facts by payer: create, list, correct by superseding; bad input writes nothing."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest

from tests.conftest import FakeRegistryFeed
from tests.integration.world import add_citizen, add_partnership


def line(partnership_id: str, **change: Any) -> dict[str, Any]:
    return {
        "partnership_id": partnership_id,
        "side": "citizen_course",
        "category": "course_delivery",
        "amount": 2_600_000_000,
        "month": "2024-03",
        "payer": "eu_grant",
        "funder": "European Social Fund",
        **change,
    }


async def test_cost_lines_are_recorded_listed_and_corrected(
    client: httpx.AsyncClient,
    stevns: dict[str, str],
    jammerbugt: dict[str, str],
    registry: FakeRegistryFeed,
    sync: Any,
) -> None:
    partnership = add_partnership(registry)
    add_citizen(registry, partnership)
    await sync()
    keyed = {**stevns, "Idempotency-Key": f"grant-{partnership.id}"}
    grant = await client.post("/v1/programme-costs", json=line(partnership.id), headers=keyed)
    assert grant.status_code == 201, grant.text
    replay = await client.post("/v1/programme-costs", json=line(partnership.id), headers=keyed)
    assert replay.json()["id"] == grant.json()["id"]
    assert grant.headers["location"] == f"/v1/programme-costs/{grant.json()['id']}"
    mentor = await client.post(
        "/v1/programme-costs",
        json=line(partnership.id, category="mentor", amount=100_000, payer="municipality", funder=None),
        headers=stevns,
    )
    assert mentor.status_code == 201
    correction = await client.post(
        "/v1/programme-costs",
        json=line(
            partnership.id, category="mentor", amount=150_000, payer="municipality", supersedes=mentor.json()["id"]
        ),
        headers=stevns,
    )
    assert correction.status_code == 201, correction.text
    again = await client.post(
        "/v1/programme-costs",
        json=line(partnership.id, category="mentor", amount=1, payer="municipality", supersedes=mentor.json()["id"]),
        headers=stevns,
    )
    assert again.status_code == 409
    listed = await client.get("/v1/programme-costs", params={"partnership_id": partnership.id}, headers=stevns)
    assert listed.status_code == 200
    items = listed.json()["items"]
    assert [(item["amount"], item["in_force"]) for item in items] == [
        (2_600_000_000, True),
        (100_000, False),
        (150_000, True),
    ]
    assert items[1]["superseded_by"] == correction.json()["id"]
    other = await client.get("/v1/programme-costs", params={"partnership_id": partnership.id}, headers=jammerbugt)
    assert other.json()["items"] == []
    hidden = await client.post("/v1/programme-costs", json=line(partnership.id), headers=jammerbugt)
    assert hidden.status_code == 422
    # The evaluation shows the recorded lines by payer; a corrected line counts once.
    params = {"partnership_id": partnership.id, "from": "2024-03-01", "to": "2024-06-01"}
    evaluation = (await client.get("/v1/evaluations", params=params, headers=stevns)).json()
    assert evaluation["costs_by_payer"]["municipality"] == 150_000
    assert evaluation["costs_by_payer"]["eu_grant"] == 2_600_000_000
    assert evaluation["programme_costs"] == 150_000
    assert evaluation["costs_carried_by_others"] == 2_600_000_000


@pytest.mark.parametrize(
    ("field", "change"),
    [
        ("payer", {"payer": "bank"}),
        ("amount", {"amount": -5}),
        ("month", {"month": "2023-12"}),
        ("month", {"month": "2026-01"}),
        ("side", {"side": "both"}),
        ("category", {"category": "coffee"}),
        ("supersedes", {"supersedes": str(uuid.uuid4())}),
        ("partnership_id", {"partnership_id": str(uuid.uuid4())}),
    ],
)
async def test_bad_cost_lines_name_the_field_and_write_nothing(
    field: str,
    change: dict[str, Any],
    client: httpx.AsyncClient,
    stevns: dict[str, str],
    registry: FakeRegistryFeed,
    sync: Any,
) -> None:
    partnership = add_partnership(registry)
    await sync()
    response = await client.post("/v1/programme-costs", json={**line(partnership.id), **change}, headers=stevns)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["errors"][0]["field"] == field
    listed = await client.get("/v1/programme-costs", params={"partnership_id": partnership.id}, headers=stevns)
    assert listed.json()["items"] == []
