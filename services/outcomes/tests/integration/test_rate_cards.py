import httpx

from servicekit.testing import TokenFactory


async def test_rate_cards_are_loaded_with_sources(client: httpx.AsyncClient, stevns: dict[str, str]) -> None:
    response = await client.get("/v1/rate-cards", headers=stevns)
    assert response.status_code == 200, response.text
    assert [card["id"] for card in response.json()["items"]] == ["DK-2024", "DK-2025", "DK-2026", "SE-2025"]
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
