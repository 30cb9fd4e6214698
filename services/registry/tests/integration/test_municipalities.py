from __future__ import annotations

import uuid

import httpx

from servicekit.testing import TokenFactory


def unique_code(country: str = "DK") -> str:
    return f"{country}-{uuid.uuid4().int % 10000:04d}"


async def create(client: httpx.AsyncClient, admin: dict[str, str], code: str, name: str = "Testby") -> httpx.Response:
    return await client.post("/v1/municipalities", json={"code": code, "name": name}, headers=admin)


async def test_admin_creates_and_reads_municipality(client: httpx.AsyncClient, admin: dict[str, str]) -> None:
    code = unique_code()
    created = await create(client, admin, code)
    if created.status_code == 409:  # random code collided with an earlier test's; pick again
        code = unique_code()
        created = await create(client, admin, code)
    assert created.status_code == 201, created.text
    assert created.json()["country"] == "DK"
    read = await client.get(f"/v1/municipalities/{code}", headers=admin)
    assert read.status_code == 200
    assert read.headers["etag"] == '"1"'


async def test_invalid_code_is_422_naming_the_field(client: httpx.AsyncClient, admin: dict[str, str]) -> None:
    response = await client.post("/v1/municipalities", json={"code": "XX-12", "name": "Nowhere"}, headers=admin)
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
    assert [e["field"] for e in response.json()["errors"]] == ["code"]


async def test_stale_etag_is_412(client: httpx.AsyncClient, admin: dict[str, str]) -> None:
    code = unique_code("SE")
    assert (await create(client, admin, code)).status_code in (201, 409)
    etag = (await client.get(f"/v1/municipalities/{code}", headers=admin)).headers["etag"]
    first = await client.patch(f"/v1/municipalities/{code}", json={"name": "A"}, headers={**admin, "If-Match": etag})
    assert first.status_code == 200
    stale = await client.patch(f"/v1/municipalities/{code}", json={"name": "B"}, headers={**admin, "If-Match": etag})
    assert stale.status_code == 412


async def test_same_idempotency_key_replays_and_other_body_is_422(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    for _ in range(20):  # a code another test took answers 409, which is not stored: find a free one
        code = unique_code()
        headers = {**admin, "Idempotency-Key": uuid.uuid4().hex}
        first = await client.post("/v1/municipalities", json={"code": code, "name": "Once"}, headers=headers)
        if first.status_code == 201:
            break
    again = await client.post("/v1/municipalities", json={"code": code, "name": "Once"}, headers=headers)
    other = await client.post("/v1/municipalities", json={"code": code, "name": "Twice"}, headers=headers)
    assert first.status_code == 201
    assert (again.status_code, again.headers["Idempotent-Replayed"]) == (201, "true")
    assert again.json() == first.json()
    assert other.status_code == 422


async def test_other_municipality_is_404(
    client: httpx.AsyncClient, admin: dict[str, str], tokens: TokenFactory
) -> None:
    code = unique_code()
    await create(client, admin, code)
    stranger = tokens.headers(tenant="DK-9999", scopes=["citizens:read"])
    assert (await client.get(f"/v1/municipalities/{code}", headers=stranger)).status_code == 404


async def test_missing_scope_is_403_and_missing_token_401(client: httpx.AsyncClient, tokens: TokenFactory) -> None:
    reader = tokens.headers(tenant="DK-0336", scopes=["citizens:read"])
    assert (
        await client.post("/v1/municipalities", json={"code": "DK-0001", "name": "x"}, headers=reader)
    ).status_code == 403
    assert (await client.get("/v1/municipalities")).status_code == 401


async def test_change_feed_carries_the_new_municipality(
    client: httpx.AsyncClient, admin: dict[str, str], tokens: TokenFactory
) -> None:
    internal = tokens.headers(tenant="*", scopes=["internal"])
    start = (await client.get("/internal/v1/changes", params={"limit": 1}, headers=internal)).json()["head"]
    code = unique_code()
    assert (await create(client, admin, code)).status_code in (201, 409)
    feed = (await client.get("/internal/v1/changes", params={"after": str(start)}, headers=internal)).json()
    assert any(item["entity_id"] == code for item in feed["items"])


async def test_every_list_refuses_a_municipality_filter_that_is_not_a_code(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    """A national reader's `municipality=` is checked as the same code everywhere: 422 naming it, never
    an empty page that looks like a municipality without data."""
    for collection in ("citizens", "organisations", "partnerships", "openings", "enrolments"):
        answer = await client.get(
            f"/v1/{collection}", params={"municipality": "Stevns", "purpose": "case-work"}, headers=admin
        )
        assert answer.status_code == 422, collection
        assert [e["field"] for e in answer.json()["errors"]] == ["query.municipality"], collection
