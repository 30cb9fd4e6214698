from __future__ import annotations

import httpx


async def test_skill_search_finds_labels(client: httpx.AsyncClient, reader: dict[str, str]) -> None:
    response = await client.get("/v1/skills", params={"q": "dish"}, headers=reader)
    assert response.status_code == 200
    assert {"code": "bb:skill:wash-dishes", "label": "wash dishes", "transversal": False} in response.json()["items"]


async def test_readyz_reports_feed_lag(client: httpx.AsyncClient) -> None:
    response = await client.get("/readyz")
    assert set(response.json()["checks"]["feeds"]["registry"]) == {"position", "head", "lag", "last_error"}
