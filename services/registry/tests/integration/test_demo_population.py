from __future__ import annotations

from typing import Any

import httpx

from devstack.demo_population import PLACES, bind, build_population
from servicekit.testing import TokenFactory
from taxonomy import load_taxonomy


def test_population_is_deterministic_and_sized_like_the_programme() -> None:
    taxonomy = load_taxonomy(None)
    first, again, other = build_population(7, taxonomy), build_population(7, taxonomy), build_population(8, taxonomy)
    assert first == again
    assert first != other
    assert len(first.municipalities) == 14
    assert {"DK-0336", "DK-0849", "DK-0813", "SE-2080"} <= {m["code"] for m in first.municipalities}
    danish_companies = [o for o in first.organisations if o["kind"] == "company" and o["municipality"].startswith("DK")]
    assert len(danish_companies) == 18
    assert len(first.openings) == 300
    assert len(first.citizens) == 2000
    assert len({c["target_group"] for c in first.citizens}) == 7


async def test_whole_population_loads_through_the_api(client: httpx.AsyncClient, tokens: TokenFactory) -> None:
    admin = tokens.headers(tenant="*", scopes=["admin"])
    population = build_population(11, load_taxonomy(None))
    for body in population.municipalities:
        assert (await client.post("/v1/municipalities", json=body, headers=admin)).status_code in (201, 409)
    ids: dict[str, str] = {}

    async def post_each(path: str, items: list[dict[str, Any]]) -> None:
        for item in items:
            response = await client.post(path, json=bind(item, ids), headers=admin)
            assert response.status_code == 201, response.text
            if "key" in item:
                ids[item["key"]] = response.json()["id"]

    async def post_batches(path: str, items: list[dict[str, Any]]) -> None:
        for start in range(0, len(items), 1000):
            chunk = items[start : start + 1000]
            result = (await client.post(path, json={"items": [bind(i, ids) for i in chunk]}, headers=admin)).json()
            assert result["summary"]["error"] == 0, [r["problem"] for r in result["items"] if r["problem"]][:3]
            for item, outcome in zip(chunk, result["items"], strict=True):
                if "key" in item:
                    ids[item["key"]] = outcome["id"]

    await post_each("/v1/organisations", population.organisations)
    await post_each("/v1/partnerships", population.partnerships)
    await post_batches("/v1/openings:batch", population.openings)
    await post_batches("/v1/citizens:batch", population.citizens)
    await post_each("/v1/enrolments", population.enrolments)
    assert len(PLACES) == len(population.municipalities)
