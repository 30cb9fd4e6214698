"""Who saves in Sweden (issue 15 §4): the municipal saving of a Swedish evaluation is the kommun's part only.

Hand-computed case (SE-2025 card: ekonomiskt bistånd → kommun, sjukersättning → Försäkringskassan, no staircase).
A is enrolled on 1 March 2025 on ekonomiskt bistånd of 9,000.00 kr. a month (since 1 January 2025) and moves
to sjukersättning of 10,000.00 kr. a month on 16 April 2025. Months March, April, May (April has 30 days):

| | March | April | May | total |
| --- | --- | --- | --- | --- |
| gross (all payers) | 0 | 900,000 - (450,000 + 500,000) = -50,000 | 900,000 - 1,000,000 = -100,000 | -150,000 |
| kommun | 0 | 900,000 - 450,000 = 450,000 | 900,000 | 1,350,000 |
| Försäkringskassan | 0 | 0 - 500,000 | 0 - 1,000,000 | -1,500,000 |

Five residents in A's cell stay on ekonomiskt bistånd, except one who moves to sjukersättning on 1 May:
counterfactual kommun line in May 900,000 / 5 = 180,000, gross (900,000 - 1,000,000) / 5 = -20,000.
Net municipal = 450,000 + (900,000 - 180,000) = 1,170,000; net gross = -50,000 + (-100,000 + 20,000) = -130,000.
"""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest

from servicekit.testing import TokenFactory
from tests.conftest import FakeRegistryFeed
from tests.integration.world import add_citizen, add_partnership

KOMMUN = "SE-0180"
GROUP = "se_payer_example"
EB = {"type": "ekonomiskt_bistand", "monthly_amount": 900_000, "currency": "SEK", "since": "2025-01-01"}
SJUK = {"type": "sjukersattning", "monthly_amount": 1_000_000}


@pytest.fixture
def stockholm(tokens: TokenFactory) -> dict[str, str]:
    scopes = ["outcomes:write", "outcomes:read", "reports:read"]
    return tokens.headers(tenant=KOMMUN, scopes=scopes, client_id="stockholm-af")


def add_resident(registry: FakeRegistryFeed) -> str:
    citizen_id = str(uuid.uuid4())
    registry.add(
        "citizen",
        citizen_id,
        KOMMUN,
        {
            "id": citizen_id,
            "municipality": KOMMUN,
            "external_ref": "r",
            "birth_year": 1990,
            "target_group": GROUP,
            "benefit": EB,
        },
    )
    return citizen_id


def event(citizen_id: str, kind: str, on: str, data: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"id": uuid.uuid4().hex, "citizen_id": citizen_id, "type": kind, "occurred_on": on, "data": data or {}}


async def test_swedish_municipal_saving_is_the_kommuns_share(
    client: httpx.AsyncClient, stockholm: dict[str, str], registry: FakeRegistryFeed, sync: Any
) -> None:
    partnership = add_partnership(registry, KOMMUN)
    a = add_citizen(registry, partnership, target_group=GROUP, benefit=EB, enrolled_on="2025-03-01")
    residents = [add_resident(registry) for _ in range(5)]
    await sync()
    events = [
        event(a, "benefit_changed", "2025-04-16", SJUK),
        event(residents[0], "benefit_changed", "2025-05-01", SJUK),
    ]
    batch = await client.post("/v1/outcome-events:batch", json={"items": events}, headers=stockholm)
    assert {item["status"] for item in batch.json()["items"]} == {"created"}, batch.text
    params = {"partnership_id": partnership.id, "from": "2025-03-01", "to": "2025-06-01"}
    response = await client.get("/v1/evaluations", params=params, headers=stockholm)
    assert response.status_code == 200, response.text
    result = response.json()
    assert result["rate_card_ids"] == ["SE-2025"]
    assert result["gross_saving"] == -150_000
    assert result["municipal_saving"] == 1_350_000
    # The rest of gross is other payers' (in `state_saving`), never the kommun's.
    assert result["state_saving"] == -1_500_000
    assert result["savings_by_payer"] == {
        "kommun": 1_350_000,
        "region": 0,
        "forsakringskassan": -1_500_000,
        "arbetsformedlingen": 0,
    }
    assert [row["municipal_saving"] for row in result["by_month"]] == [0, 450_000, 900_000]
    assert result["comparison"]["by_rung"]["exact"] == 1
    assert [row["counterfactual_municipal_saving"] for row in result["by_month"]] == [0, 0, 180_000]
    assert [row["counterfactual_saving"] for row in result["by_month"]] == [0, 0, -20_000]
    assert result["net_municipal_saving"] == 1_170_000
    assert result["net_saving"] == -130_000
    # The net gain subtracts from the kommun's saving only (no costs recorded: the card's unit cost).
    assert result["net_gain"] == 1_350_000 - result["programme_costs"] - result["outcome_payments"]
