"""/v1/clients: create (secret shown once), list, read, revoke."""

from __future__ import annotations

from typing import Any

import httpx
import jwt


async def test_created_client_gets_tokens_with_its_tenant_and_scopes(
    client: httpx.AsyncClient, new_client: Any, get_token: Any
) -> None:
    created = await new_client(scopes=["matching:read", "citizens:read"], tenant="SE-2080", name="Falun sync")
    assert created["client_id"].startswith("bb_")
    assert len(created["client_secret"]) >= 32
    assert created["scopes"] == ["citizens:read", "matching:read"]
    token = await get_token(client, created["client_id"], created["client_secret"])
    claims = jwt.decode(token, options={"verify_signature": False})
    assert (claims["sub"], claims["tenant"], claims["scope"]) == (
        created["client_id"],
        "SE-2080",
        "citizens:read matching:read",
    )


async def test_secret_is_shown_once(client: httpx.AsyncClient, new_client: Any, admin_headers: dict[str, str]) -> None:
    created = await new_client(scopes=["citizens:read"])
    read = (await client.get(f"/v1/clients/{created['client_id']}", headers=admin_headers)).json()
    assert "client_secret" not in read
    assert "secret_hash" not in read
    listed = (await client.get("/v1/clients", params={"limit": 200}, headers=admin_headers)).json()
    assert all("client_secret" not in item and "secret_hash" not in item for item in listed["items"])


async def test_list_pages_through_every_client(
    client: httpx.AsyncClient, new_client: Any, admin_headers: dict[str, str]
) -> None:
    for index in range(3):
        await new_client(scopes=["reports:read"], name=f"paged {index}")
    seen: list[str] = []
    cursor = None
    while True:
        params = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        page = (await client.get("/v1/clients", params=params, headers=admin_headers)).json()
        seen += [item["client_id"] for item in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == sorted(seen)
    assert len(seen) == len(set(seen)) >= 4


async def test_bad_cursor_is_422(client: httpx.AsyncClient, admin_headers: dict[str, str]) -> None:
    response = await client.get("/v1/clients", params={"cursor": "forged"}, headers=admin_headers)
    assert response.status_code == 422


async def test_revoked_client_gets_no_token_and_revoking_twice_is_fine(
    client: httpx.AsyncClient, new_client: Any, admin_headers: dict[str, str]
) -> None:
    created = await new_client(scopes=["citizens:read"])
    path = f"/v1/clients/{created['client_id']}"
    assert (await client.delete(path, headers=admin_headers)).status_code == 204
    assert (await client.delete(path, headers=admin_headers)).status_code == 204
    assert (await client.get(path, headers=admin_headers)).json()["revoked_at"] is not None
    response = await client.post(
        "/v1/auth/token",
        data={"grant_type": "client_credentials"},
        auth=(created["client_id"], created["client_secret"]),
    )
    assert response.status_code == 401


async def test_unknown_client_is_404(client: httpx.AsyncClient, admin_headers: dict[str, str]) -> None:
    assert (await client.get("/v1/clients/bb_missing", headers=admin_headers)).status_code == 404
    assert (await client.delete("/v1/clients/bb_missing", headers=admin_headers)).status_code == 404


async def test_municipal_admin_manages_only_its_own_municipality(
    client: httpx.AsyncClient, new_client: Any, get_token: Any
) -> None:
    local_admin = await new_client(scopes=["admin"], tenant="DK-0849")
    other = await new_client(scopes=["citizens:read"], tenant="DK-0336")
    token = await get_token(client, local_admin["client_id"], local_admin["client_secret"])
    headers = {"Authorization": f"Bearer {token}"}
    own = await client.post(
        "/v1/clients", json={"name": "ok", "tenant": "DK-0849", "scopes": ["citizens:read"]}, headers=headers
    )
    assert own.status_code == 201
    foreign = await client.post(
        "/v1/clients", json={"name": "no", "tenant": "DK-0336", "scopes": ["admin"]}, headers=headers
    )
    assert foreign.status_code == 403
    assert (await client.get(f"/v1/clients/{other['client_id']}", headers=headers)).status_code == 404
    listed = (await client.get("/v1/clients", params={"limit": 200}, headers=headers)).json()["items"]
    assert {item["tenant"] for item in listed} == {"DK-0849"}


async def test_client_for_a_municipality_the_registry_lacks_is_422_naming_tenant(
    client: httpx.AsyncClient, admin_headers: dict[str, str]
) -> None:
    body = {"name": "ghost", "tenant": "DK-0999", "scopes": ["citizens:read"]}
    response = await client.post("/v1/clients", json=body, headers=admin_headers)
    assert response.status_code == 422, response.text
    assert [error["field"] for error in response.json()["errors"]] == ["tenant"]


async def test_client_creation_replays_under_its_idempotency_key(
    client: httpx.AsyncClient, admin_headers: dict[str, str], get_token: Any
) -> None:
    headers = {**admin_headers, "Idempotency-Key": "client-replay-1"}
    body = {"name": "replayed", "tenant": "DK-0336", "scopes": ["citizens:read"]}
    first = await client.post("/v1/clients", json=body, headers=headers)
    again = await client.post("/v1/clients", json=body, headers=headers)
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()
    assert await get_token(client, again.json()["client_id"], again.json()["client_secret"])
    other = await client.post("/v1/clients", json={**body, "name": "another"}, headers=headers)
    assert other.status_code == 422
    listed = (await client.get("/v1/clients", params={"limit": 200}, headers=admin_headers)).json()["items"]
    assert [item["name"] for item in listed].count("replayed") == 1
