"""POST /v1/auth/token and /.well-known/jwks.json against a running gateway on PostgreSQL."""

from __future__ import annotations

import base64
import json
from typing import Any

import httpx
import jwt
import pytest

FORM = {"grant_type": "client_credentials"}


def assert_problem(response: httpx.Response, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body = response.json()
    assert body["status"] == status
    return dict(body)


async def test_admin_gets_a_token_with_the_contract_claims(
    client: httpx.AsyncClient, admin_credentials: tuple[str, str]
) -> None:
    response = await client.post("/v1/auth/token", data=FORM, auth=admin_credentials)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["token_type"] == "Bearer"
    assert body["scope"] == "admin"
    assert response.headers["cache-control"] == "no-store"
    jwks = (await client.get("/.well-known/jwks.json")).json()
    header = jwt.get_unverified_header(body["access_token"])
    assert header["alg"] == "EdDSA"
    assert header["kid"] in {key["kid"] for key in jwks["keys"]}
    key = jwt.PyJWK(next(k for k in jwks["keys"] if k["kid"] == header["kid"])).key
    claims = jwt.decode(body["access_token"], key, algorithms=["EdDSA"], audience="brobygger-api", issuer="brobygger")
    assert claims["sub"] == admin_credentials[0]
    assert claims["tenant"] == "*"
    assert claims["scope"] == "admin"
    assert claims["exp"] - claims["iat"] == body["expires_in"]
    assert claims["jti"]


async def test_credentials_in_form_fields_work(client: httpx.AsyncClient, admin_credentials: tuple[str, str]) -> None:
    client_id, secret = admin_credentials
    response = await client.post("/v1/auth/token", data={**FORM, "client_id": client_id, "client_secret": secret})
    assert response.status_code == 200, response.text


async def test_wrong_secret_unknown_and_revoked_client_get_the_same_401(
    client: httpx.AsyncClient, admin_credentials: tuple[str, str], new_client: Any, admin_headers: dict[str, str]
) -> None:
    revoked = await new_client(scopes=["citizens:read"])
    assert (await client.delete(f"/v1/clients/{revoked['client_id']}", headers=admin_headers)).status_code == 204
    attempts = [
        (admin_credentials[0], "not-the-secret"),
        ("no-such-client", admin_credentials[1]),
        (revoked["client_id"], revoked["client_secret"]),
    ]
    bodies = []
    for credentials in attempts:
        response = await client.post("/v1/auth/token", data=FORM, auth=credentials)
        body = assert_problem(response, 401)
        assert response.headers["www-authenticate"] == "Bearer"
        bodies.append((body["detail"], body["error"]))
    assert bodies == [("Client authentication failed.", "invalid_client")] * 3


async def test_scope_can_be_narrowed_but_not_widened(
    client: httpx.AsyncClient, new_client: Any, get_token: Any
) -> None:
    created = await new_client(scopes=["citizens:read", "matching:read"])
    auth = (created["client_id"], created["client_secret"])
    narrowed = await client.post("/v1/auth/token", data={**FORM, "scope": "matching:read"}, auth=auth)
    assert narrowed.json()["scope"] == "matching:read"
    widened = await client.post("/v1/auth/token", data={**FORM, "scope": "matching:read admin"}, auth=auth)
    assert assert_problem(widened, 400)["error"] == "invalid_scope"
    token = await get_token(client, *auth)
    assert jwt.decode(token, options={"verify_signature": False})["tenant"] == "DK-0336"


@pytest.mark.parametrize(
    ("kwargs", "status"),
    [
        ({"json": {"grant_type": "client_credentials"}}, 415),
        ({"content": b"grant_type=client_credentials", "headers": {"content-type": "text/plain"}}, 415),
        ({"content": b"", "headers": {}}, 415),
        ({"data": {"grant_type": "password"}}, 400),
        ({"data": {"scope": "admin"}}, 400),
        ({"content": b"\xff\xfe%%%=&&==", "headers": {"content-type": "application/x-www-form-urlencoded"}}, 400),
        (
            {
                "content": b"grant_type=client_credentials&" + b"a" * 3_000_000,
                "headers": {"content-type": "application/x-www-form-urlencoded"},
            },
            413,
        ),
    ],
)
async def test_bad_token_requests_are_4xx_problems(
    client: httpx.AsyncClient, admin_credentials: tuple[str, str], kwargs: dict[str, Any], status: int
) -> None:
    response = await client.post("/v1/auth/token", auth=admin_credentials, **kwargs)
    assert_problem(response, status)


@pytest.mark.parametrize(
    "authorization",
    [
        "Basic !!!notbase64",
        "Basic " + base64.b64encode(b"no-colon").decode(),
        "Basic " + base64.b64encode(b"\xff:\xfe").decode(),
    ],
)
async def test_malformed_basic_credentials_are_401(client: httpx.AsyncClient, authorization: str) -> None:
    response = await client.post("/v1/auth/token", data=FORM, headers={"Authorization": authorization})
    assert_problem(response, 401)


async def test_credentials_twice_is_a_bad_request(
    client: httpx.AsyncClient, admin_credentials: tuple[str, str]
) -> None:
    client_id, secret = admin_credentials
    response = await client.post(
        "/v1/auth/token", data={**FORM, "client_id": client_id, "client_secret": secret}, auth=admin_credentials
    )
    assert assert_problem(response, 400)["error"] == "invalid_request"


async def test_jwks_publishes_public_keys_only(client: httpx.AsyncClient) -> None:
    document = (await client.get("/.well-known/jwks.json")).json()
    assert document["keys"]
    for key in document["keys"]:
        assert key["kty"] == "OKP"
        assert key["alg"] == "EdDSA"
        assert "d" not in key
    assert "PRIVATE" not in json.dumps(document)
