"""The gateway checks the bearer token itself before anything reaches a service."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from servicekit.testing import TokenFactory


def b64(data: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def tampered(token: str) -> str:
    header, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["tenant"] = "*"
    return f"{header}.{b64(claims)}.{signature}"


def alg_none(token: str) -> str:
    header, payload, _ = token.split(".")
    decoded = json.loads(base64.urlsafe_b64decode(header + "=" * (-len(header) % 4)))
    return f"{b64({**decoded, 'alg': 'none'})}.{payload}."


BAD_TOKENS: dict[str, Callable[[Callable[..., str]], str]] = {
    "expired": lambda mint: mint(exp=1_000_000_000, iat=999_999_000),
    "tampered": lambda mint: tampered(mint()),
    "wrong audience": lambda mint: mint(aud="someone-else"),
    "wrong issuer": lambda mint: mint(iss="someone-else"),
    "alg none": lambda mint: alg_none(mint()),
    "unknown key": lambda mint: TokenFactory(kid="stranger").token(),
    "no tenant": lambda mint: mint(tenant=None),
    "garbage": lambda mint: "not.a.jwt",
}


@pytest.mark.parametrize("kind", list(BAD_TOKENS))
async def test_bad_tokens_get_the_same_401_before_any_upstream(
    client: httpx.AsyncClient, mint: Callable[..., str], kind: str
) -> None:
    token = BAD_TOKENS[kind](mint)
    response = await client.get("/v1/citizens", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["www-authenticate"] == "Bearer"
    assert response.json()["detail"] == "The bearer token is missing, expired or invalid."


@pytest.mark.parametrize("authorization", [None, "", "Bearer", "Basic abc", "bearer", "Token abc"])
async def test_missing_or_malformed_authorization_is_401(client: httpx.AsyncClient, authorization: str | None) -> None:
    headers = {} if authorization is None else {"Authorization": authorization}
    response = await client.get("/v1/recommendations", headers=headers)
    assert response.status_code == 401
    assert response.json()["status"] == 401


async def test_a_valid_minted_token_passes(client: httpx.AsyncClient, mint: Callable[..., str]) -> None:
    response = await client.get("/v1/citizens", headers={"Authorization": f"Bearer {mint()}"})
    assert response.status_code == 200


async def test_missing_scope_on_clients_is_403(client: httpx.AsyncClient, mint: Callable[..., str]) -> None:
    headers = {"Authorization": f"Bearer {mint(scope='citizens:read citizens:write')}"}
    listing = await client.get("/v1/clients", headers=headers)
    assert listing.status_code == 403
    assert listing.headers["content-type"] == "application/problem+json"
    creating = await client.post(
        "/v1/clients", json={"name": "x", "tenant": "DK-0336", "scopes": ["admin"]}, headers=headers
    )
    assert creating.status_code == 403


@pytest.mark.parametrize("kind", ["expired", "wrong audience", "alg none", "tampered"])
async def test_bad_tokens_are_401_on_the_gateways_own_endpoints(
    client: httpx.AsyncClient, mint: Callable[..., str], kind: str
) -> None:
    token = BAD_TOKENS[kind](lambda **kw: mint(**{"scope": "admin", **kw}))
    response = await client.get("/v1/clients", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401
