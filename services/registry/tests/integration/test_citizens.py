from __future__ import annotations

import uuid

import httpx
import pytest

from servicekit.testing import TokenFactory

from ..factories import citizen, fake_personnummer


async def create(client: httpx.AsyncClient, headers: dict[str, str], **overrides: object) -> httpx.Response:
    return await client.post("/v1/citizens", json=citizen(**overrides), headers=headers)


def fields(response: httpx.Response) -> list[str]:
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    return [e["field"] for e in response.json()["errors"]]


async def test_create_and_read_citizen_without_ever_returning_the_national_id(
    client: httpx.AsyncClient, stevns: dict[str, str]
) -> None:
    body = citizen()
    created = await client.post("/v1/citizens", json=body, headers=stevns)
    assert created.status_code == 201, created.text
    data = created.json()
    assert data["municipality"] == "DK-0336"
    assert data["has_national_id"] is True
    assert data["birth_year"] == 1900 + int(body["national_id"][4:6])
    assert "national_id" not in data
    read = await client.get(f"/v1/citizens/{data['id']}", headers=stevns)
    assert read.status_code == 200, read.text
    assert read.headers["etag"] == '"1"'
    assert body["national_id"] not in read.text


async def test_swedish_citizen_with_personnummer_and_samordningsnummer(
    client: httpx.AsyncClient, falun: dict[str, str]
) -> None:
    benefit = {"type": "aktivitetsstod", "monthly_amount": 1_100_000, "currency": "SEK", "since": "2025-01-01"}
    ordinary = await create(client, falun, national_id=fake_personnummer(), benefit=benefit, location=None)
    assert ordinary.status_code == 201, ordinary.text
    coordination = await create(client, falun, national_id="19701063-2391", benefit=benefit, location=None)
    assert coordination.status_code == 201, coordination.text
    bad_luhn = await create(client, falun, national_id="19701063-2392", benefit=benefit, location=None)
    assert fields(bad_luhn) == ["national_id"]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"national_id": "3102901234"}, "national_id"),  # 31 February
        ({"national_id": "0101304000"}, "national_id"),  # 7th digit 4, year 30 → 2030: not born yet
        ({"national_id": "12345"}, "national_id"),
        ({"work_capacity_hours": 0}, "work_capacity_hours"),
        ({"work_capacity_hours": 38}, "work_capacity_hours"),
        ({"skills": [{"code": "bb:skill:juggling"}]}, "skills.0.code"),
        ({"interests": ["bb:occupation:astronaut"]}, "interests.0"),
        ({"support_needs": [{"code": "unicorn"}]}, "support_needs.0.code"),
        ({"target_group": "students"}, "target_group"),
        (
            {"benefit": {"type": "kontanthjaelp", "monthly_amount": 100, "currency": "SEK", "since": "2025-01-01"}},
            "benefit.currency",
        ),
        (
            {"benefit": {"type": "kontanthjaelp", "monthly_amount": -1, "currency": "DKK", "since": "2025-01-01"}},
            "benefit.monthly_amount",
        ),
        ({"consent": {"matching": True, "given_at": "2999-01-01T00:00:00Z"}}, "consent.given_at"),
        ({"birth_year": 1951, "national_id": "0101801234"}, "birth_year"),
        ({"location": {"postcode": "46", "lat": 55.4, "lon": 12.3}}, "location.postcode"),
        ({"id": str(uuid.uuid4())}, "id"),
        ({"created_at": "2026-01-01T00:00:00Z"}, "created_at"),
    ],
)
async def test_each_rule_names_its_field(
    client: httpx.AsyncClient, stevns: dict[str, str], overrides: dict[str, object], field: str
) -> None:
    assert fields(await create(client, stevns, **overrides)) == [field]


async def test_cpr_without_modulus_11_is_accepted(client: httpx.AsyncClient, stevns: dict[str, str]) -> None:
    # 0101901235 fails the old modulus-11 check; CPR numbers since 2007 need not pass it.
    response = await create(client, stevns, national_id="010190-1235")
    assert response.status_code in (201, 409), response.text


async def test_custom_support_need_code_is_accepted(client: httpx.AsyncClient, stevns: dict[str, str]) -> None:
    response = await create(
        client, stevns, support_needs=[{"code": "x-guide-dog"}, {"code": "quiet_environment", "essential": True}]
    )
    assert response.status_code == 201, response.text


async def test_client_cannot_write_into_another_municipality(client: httpx.AsyncClient, stevns: dict[str, str]) -> None:
    assert (await create(client, stevns, municipality="DK-0849")).status_code == 403


async def test_national_client_must_name_the_municipality(
    client: httpx.AsyncClient, tokens: TokenFactory, municipalities: dict[str, str]
) -> None:
    national = tokens.headers(tenant="*", scopes=["citizens:write"])
    assert fields(await create(client, national)) == ["municipality"]
    assert (await create(client, national, municipality="DK-0849")).status_code == 201
    assert fields(await create(client, national, municipality="DK-0001")) == ["municipality"]


async def test_same_national_id_twice_in_a_municipality_is_409(
    client: httpx.AsyncClient, stevns: dict[str, str]
) -> None:
    first = citizen()
    assert (await client.post("/v1/citizens", json=first, headers=stevns)).status_code == 201
    assert (await create(client, stevns, national_id=first["national_id"])).status_code == 409


async def test_stale_etag_is_412_and_missing_if_match_428(client: httpx.AsyncClient, stevns: dict[str, str]) -> None:
    created = (await create(client, stevns)).json()
    url = f"/v1/citizens/{created['id']}"
    first = await client.patch(url, json={"work_capacity_hours": 20}, headers={**stevns, "If-Match": '"1"'})
    assert first.status_code == 200, first.text
    assert first.headers["etag"] == '"2"'
    assert first.json()["work_capacity_hours"] == 20
    assert (
        await client.patch(url, json={"work_capacity_hours": 5}, headers={**stevns, "If-Match": '"1"'})
    ).status_code == 412
    assert (await client.patch(url, json={"work_capacity_hours": 5}, headers=stevns)).status_code == 428


async def test_patch_is_checked_by_the_create_rules(client: httpx.AsyncClient, stevns: dict[str, str]) -> None:
    created = (await create(client, stevns)).json()
    url = f"/v1/citizens/{created['id']}"
    response = await client.patch(
        url, json={"work_capacity_hours": 40, "municipality": "DK-0849"}, headers={**stevns, "If-Match": '"1"'}
    )
    assert sorted(fields(response)) == ["municipality", "work_capacity_hours"]
    unknown = await client.patch(
        url, json={"skills": [{"code": "bb:skill:nope"}]}, headers={**stevns, "If-Match": '"1"'}
    )
    assert fields(unknown) == ["skills.0.code"]


async def test_other_municipality_gets_404_for_citizen(
    client: httpx.AsyncClient, stevns: dict[str, str], jammerbugt: dict[str, str]
) -> None:
    created = (await create(client, stevns)).json()
    url = f"/v1/citizens/{created['id']}"
    assert (await client.get(url, headers=jammerbugt)).status_code == 404
    assert (
        await client.patch(url, json={"work_capacity_hours": 3}, headers={**jammerbugt, "If-Match": '"1"'})
    ).status_code == 404
    assert (await client.delete(url, headers=jammerbugt)).status_code == 404
    listed = (await client.get("/v1/citizens", params={"limit": 200}, headers=jammerbugt)).json()["items"]
    assert all(c["municipality"] == "DK-0849" for c in listed)
    assert (await client.get(url, headers=stevns)).status_code == 200


async def test_list_filters_and_pages_with_cursor(
    client: httpx.AsyncClient, tokens: TokenFactory, municipalities: dict[str, str]
) -> None:
    writer = tokens.headers(tenant="DK-0813", scopes=["citizens:read", "citizens:write"])
    for _ in range(5):
        assert (await create(client, writer, target_group="integration")).status_code == 201
    seen: list[str] = []
    cursor = None
    while True:
        params: dict[str, object] = {"limit": 2, "target_group": "integration"}
        if cursor:
            params["cursor"] = cursor
        page = (await client.get("/v1/citizens", params=params, headers=writer)).json()
        seen += [c["id"] for c in page["items"]]
        assert all(c["target_group"] == "integration" for c in page["items"])
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert len(seen) == len(set(seen)) >= 5
    national = tokens.headers(tenant="*", scopes=["citizens:read"])
    other = (
        await client.get("/v1/citizens", params={"municipality": "DK-0813", "limit": 200}, headers=national)
    ).json()
    assert {c["municipality"] for c in other["items"]} == {"DK-0813"}
    assert (await client.get("/v1/citizens", params={"cursor": "forged"}, headers=writer)).status_code == 422


async def test_same_idempotency_key_replays_and_other_body_is_422(
    client: httpx.AsyncClient, stevns: dict[str, str]
) -> None:
    headers = {**stevns, "Idempotency-Key": uuid.uuid4().hex}
    body = citizen()
    first = await client.post("/v1/citizens", json=body, headers=headers)
    again = await client.post("/v1/citizens", json=body, headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again.headers.get("idempotent-replayed") == "true"
    other = await client.post("/v1/citizens", json=citizen(), headers=headers)
    assert other.status_code == 422
    assert [e["field"] for e in other.json()["errors"]] == ["header.Idempotency-Key"]


async def test_key_still_running_is_409(
    client: httpx.AsyncClient, stevns: dict[str, str], registry_database: object
) -> None:
    import asyncpg

    from servicekit.idempotency import key_lock_id

    key = uuid.uuid4().hex
    conn = await asyncpg.connect(registry_database.owner_url)  # type: ignore[attr-defined]
    try:
        async with conn.transaction():
            # Another request with the key holds its lock, exactly as a first request still running does.
            await conn.execute("select pg_advisory_xact_lock($1)", key_lock_id("stevns-jc", key))
            response = await client.post("/v1/citizens", json=citizen(), headers={**stevns, "Idempotency-Key": key})
            assert response.status_code == 409
            assert response.headers["retry-after"] == "1"
    finally:
        await conn.close()
    assert (
        await client.post("/v1/citizens", json=citizen(), headers={**stevns, "Idempotency-Key": key})
    ).status_code == 201


async def test_reader_needs_scope(client: httpx.AsyncClient, tokens: TokenFactory) -> None:
    reporter = tokens.headers(tenant="DK-0336", scopes=["reports:read"])
    assert (await client.get("/v1/citizens", headers=reporter)).status_code == 403
    assert (await client.post("/v1/citizens", json=citizen(), headers=reporter)).status_code == 403
