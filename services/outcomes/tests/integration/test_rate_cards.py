import httpx

from servicekit.testing import TokenFactory


async def test_rate_cards_are_loaded_with_sources(client: httpx.AsyncClient, stevns: dict[str, str]) -> None:
    response = await client.get("/v1/rate-cards", headers=stevns)
    assert response.status_code == 200, response.text
    shipped = ["DK-2024", "DK-2025", "DK-2026", "SE-2025"]
    assert [card["id"] for card in response.json()["items"] if card["id"] in shipped] == shipped
    card = (await client.get("/v1/rate-cards/DK-2024", headers=stevns)).json()
    bands = [(band["first_week"], band["share_percent"]["value"]) for band in card["document"]["refusion_bands"]]
    assert bands == [(1, "80"), (5, "40"), (27, "30"), (53, "20")]
    assert all(
        rate["mark"] in {"verified", "derived", "unverified", "assumption"}
        for rate in card["document"]["benefit_rates"]
    )


async def test_unknown_rate_card_is_404(client: httpx.AsyncClient, stevns: dict[str, str]) -> None:
    assert (await client.get("/v1/rate-cards/XX-1999", headers=stevns)).status_code == 404


async def test_missing_scope_is_403_and_missing_token_401(client: httpx.AsyncClient, tokens: TokenFactory) -> None:
    assert (await client.get("/v1/rate-cards")).status_code == 401
    other = tokens.headers(tenant="DK-0336", scopes=["citizens:read"])
    assert (await client.get("/v1/rate-cards", headers=other)).status_code == 403


async def test_a_card_per_period_never_overwritten_never_overlapping(
    client: httpx.AsyncClient, tokens: TokenFactory
) -> None:
    admin = tokens.headers(tenant="*", scopes=["admin"], client_id="ops")
    card = {
        "id": "SE-2031",
        "country": "SE",
        "year": 2031,
        "currency": "SEK",
        "valid_from": "2031-01-01",
        "valid_to": "2032-01-01",
        "discount_rate_percent": {"value": "3.5", "source": "assumption", "mark": "assumption"},
        "refusion_bands": [],
        "min_comparisons": {"value": 5, "source": "ECONOMICS.md §7", "mark": "assumption"},
    }
    created = await client.post("/v1/rate-cards", json=card, headers=admin)
    assert created.status_code == 201, created.text
    assert created.headers["location"] == "/v1/rate-cards/SE-2031"
    again = await client.post("/v1/rate-cards", json={**card, "year": 2032}, headers=admin)
    assert again.status_code == 409
    overlap = await client.post(
        "/v1/rate-cards", json={**card, "id": "SE-2031b", "valid_from": "2031-06-01", "valid_to": None}, headers=admin
    )
    assert overlap.status_code == 422, overlap.text
    assert overlap.json()["errors"][0]["field"] == "valid_from"
    assert (await client.get("/v1/rate-cards/SE-2031b", headers=admin)).status_code == 404
    municipal = tokens.headers(tenant="DK-0336", scopes=["outcomes:write"], client_id="stevns-jc")
    assert (await client.post("/v1/rate-cards", json=card, headers=municipal)).status_code == 403
