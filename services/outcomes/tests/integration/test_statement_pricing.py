"""Statements price each day with the card valid on it and, in Sweden, share only the kommun's saving (issue 15).

Across a card boundary. The shipped DK-2024 and DK-2025 cards have the same staircase, so this test adds two
cards of its own for years no other test prices: DK-2021-test (refusion 80 % in weeks 1-4, 50 % from week 5)
and DK-2022-test (the public staircase 80/40/30/20 %, valid 2022-2023, so the days of 2023 keep the staircase
they were priced with before). A is enrolled on 1 December 2021 on a benefit of 10,000.00 kr. a month since
that day; it ends on 16 December 2021. Kept share = 1 - refusion.

| month (card) | baseline kept days | actual kept days | municipal line |
| --- | --- | --- | --- |
| Dec 2021 (DK-2021-test) | 28 x 20 % + 3 x 50 % = 7.1 | 15 x 20 % = 3.0 | 1,000,000 x 4.1 / 31 = 132,258.06 -> 132,258|
| Jan 2022 (DK-2022-test) | 31 x 60 % (weeks 5-9) = 18.6 | 0 | 1,000,000 x 18.6 / 31 = 600,000 |

A 10 % gross share of December-January: 10 % x 732,258 = 73,225.8 -> 73,226 (the contract's one card,
DK-2021-test, for both months would have priced January at 50 %: 500,000, a share of 63,226).
"""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest

from servicekit.testing import TokenFactory
from tests.conftest import FakeRegistryFeed
from tests.integration.world import add_citizen, add_partnership

TEST_MUNICIPALITY = "DK-0101"
KOMMUN = "SE-1980"
GROUP = "se_statement_example"


def card(card_id: str, year: int, until: int, bands: list[tuple[int, str]]) -> dict[str, Any]:
    return {
        "id": card_id,
        "country": "DK",
        "year": year,
        "currency": "DKK",
        "valid_from": f"{year}-01-01",
        "valid_to": f"{until}-01-01",
        "discount_rate_percent": "3.5",
        "refusion_bands": [{"first_week": week, "share_percent": share} for week, share in bands],
        "refusion_reset_weeks": 52,
    }


def event(citizen_id: str, kind: str, on: str, data: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"id": uuid.uuid4().hex, "citizen_id": citizen_id, "type": kind, "occurred_on": on, "data": data or {}}


def share_contract(partnership: Any, card_id: str, basis: str, starts_on: str) -> dict[str, Any]:
    return {
        "partnership_id": partnership.id,
        "side": "citizen_course",
        "payee_id": partnership.provider_id,
        "starts_on": starts_on,
        "ends_on": "2025-12-01",
        "tariffs": {},
        "savings_share_percent": "10",
        "savings_share_basis": basis,
        "rate_card_id": card_id,
    }


@pytest.fixture
def headers(tokens: TokenFactory) -> Any:
    def of(tenant: str) -> dict[str, str]:
        scopes = ["outcomes:write", "outcomes:read", "settlements:write", "reports:read"]
        return tokens.headers(tenant=tenant, scopes=scopes, client_id=f"{tenant}-jc")

    return of


async def test_statement_prices_each_day_with_the_card_valid_on_it(
    client: httpx.AsyncClient, tokens: TokenFactory, headers: Any, registry: FakeRegistryFeed, sync: Any
) -> None:
    admin = tokens.headers(tenant="*", scopes=["admin"], client_id="ops")
    cards = (
        card("DK-2021-test", 2021, 2022, [(1, "80"), (5, "50")]),
        card("DK-2022-test", 2022, 2024, [(1, "80"), (5, "40"), (27, "30"), (53, "20")]),
    )
    for body in cards:
        created = await client.post("/v1/rate-cards", json=body, headers=admin)
        assert created.status_code == 201, created.text
    partnership = add_partnership(registry, TEST_MUNICIPALITY)
    benefit = {"type": "kontanthjaelp", "monthly_amount": 1_000_000, "currency": "DKK", "since": "2021-12-01"}
    a = add_citizen(registry, partnership, benefit=benefit, enrolled_on="2021-12-01")
    await sync()
    own = headers(TEST_MUNICIPALITY)
    ended = await client.post("/v1/outcome-events", json=event(a, "benefit_ended", "2021-12-16"), headers=own)
    assert ended.status_code == 201, ended.text

    async def statement(contract_id: str, start: str, end: str) -> dict[str, Any]:
        body = {"contract_id": contract_id, "from": start, "to": end}
        response = await client.post("/v1/settlements", json=body, headers=own)
        assert response.status_code == 201, response.text
        result: dict[str, Any] = response.json()
        return result

    both = await client.post(
        "/v1/contracts", json=share_contract(partnership, "DK-2021-test", "gross", "2021-12-01"), headers=own
    )
    assert both.status_code == 201, both.text
    across = await statement(both.json()["id"], "2021-12-01", "2022-02-01")
    assert [(line["citizen_id"], line["kind"], line["amount"], line["basis"]) for line in across["lines"]] == [
        (a, "savings_share", 73_226, "gross")
    ]
    assert across["rate_card_ids"] == ["DK-2021-test", "DK-2022-test"]
    # Month by month on another contract: each statement names only the card its days were priced with.
    monthly = await client.post(
        "/v1/contracts", json=share_contract(partnership, "DK-2022-test", "gross", "2021-12-01"), headers=own
    )
    december = await statement(monthly.json()["id"], "2021-12-01", "2022-01-01")
    january = await statement(monthly.json()["id"], "2022-01-01", "2022-02-01")
    assert [line["amount"] for line in december["lines"]] == [13_226]  # 10 % x 132,258 = 13,225.8
    assert december["rate_card_ids"] == ["DK-2021-test"]
    assert [line["amount"] for line in january["lines"]] == [60_000]  # 10 % x 600,000
    assert january["rate_card_ids"] == ["DK-2022-test"]


def add_resident(registry: FakeRegistryFeed, benefit: dict[str, Any]) -> None:
    citizen_id = str(uuid.uuid4())
    data = {
        "id": citizen_id,
        "municipality": KOMMUN,
        "external_ref": "r",
        "birth_year": 1990,
        "target_group": GROUP,
        "benefit": benefit,
    }
    registry.add("citizen", citizen_id, KOMMUN, data)


async def test_swedish_statement_shares_only_the_kommuns_saving(
    client: httpx.AsyncClient, headers: Any, registry: FakeRegistryFeed, sync: Any
) -> None:
    """A's sjukersättning (Försäkringskassan) ends and B's ekonomiskt bistånd (kommun) ends, both on 1 March
    2025. March-April: B saves the kommun 2 x 900,000 = 1,800,000, a 10 % share of 180,000; A saves the kommun
    nothing, so no share is owed for A (all of A's 2,000,000 is Försäkringskassan's saving). On the net basis
    the residents of each cell stay on their benefit: counterfactual 0, the same lines."""
    sjuk = {"type": "sjukersattning", "monthly_amount": 1_000_000, "currency": "SEK", "since": "2025-01-01"}
    bistand = {"type": "ekonomiskt_bistand", "monthly_amount": 900_000, "currency": "SEK", "since": "2025-01-01"}
    partnership = add_partnership(registry, KOMMUN)
    a = add_citizen(registry, partnership, target_group=GROUP, benefit=sjuk, enrolled_on="2025-02-01")
    b = add_citizen(registry, partnership, target_group=GROUP, benefit=bistand, enrolled_on="2025-02-01")
    for benefit in (sjuk, bistand):
        for _ in range(5):
            add_resident(registry, benefit)
    await sync()
    own = headers(KOMMUN)
    events = [event(a, "benefit_ended", "2025-03-01"), event(b, "benefit_ended", "2025-03-01")]
    batch = await client.post("/v1/outcome-events:batch", json={"items": events}, headers=own)
    assert {item["status"] for item in batch.json()["items"]} == {"created"}, batch.text
    for basis, rung in (("gross", None), ("net", "exact")):
        contract = await client.post(
            "/v1/contracts", json=share_contract(partnership, "SE-2025", basis, "2025-02-01"), headers=own
        )
        assert contract.status_code == 201, contract.text
        body = {"contract_id": contract.json()["id"], "from": "2025-03-01", "to": "2025-05-01"}
        response = await client.post("/v1/settlements", json=body, headers=own)
        assert response.status_code == 201, response.text
        lines = [(line["citizen_id"], line["amount"], line["basis"], line["rung"]) for line in response.json()["lines"]]
        assert lines == [(b, 180_000, basis, rung)], basis
        assert response.json()["rate_card_ids"] == ["SE-2025"]
