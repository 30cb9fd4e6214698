"""Bad input to the gateway is a 4xx problem+json, never a 500."""

from __future__ import annotations

from typing import Any

import httpx
import pytest


def assert_problem(response: httpx.Response, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    return dict(response.json())


@pytest.mark.parametrize("path", ["/v1/nothing-here", "/v1/", "/v1", "/internal/v1/changes", "/nope", "/v1/auth/other"])
async def test_unknown_routes_are_404_problems(
    client: httpx.AsyncClient, admin_headers: dict[str, str], path: str
) -> None:
    assert_problem(await client.get(path, headers=admin_headers), 404)


async def test_declared_body_over_the_limit_is_413_before_the_upstream(
    client: httpx.AsyncClient, admin_headers: dict[str, str]
) -> None:
    response = await client.post("/v1/citizens", content=b"x" * 1_500_000, headers=admin_headers)
    assert_problem(response, 413)


async def test_streamed_body_over_the_limit_is_413(client: httpx.AsyncClient, admin_headers: dict[str, str]) -> None:
    async def chunks() -> Any:
        for _ in range(30):
            yield b"z" * 65536

    response = await client.post("/v1/citizens", content=chunks(), headers=admin_headers)
    assert_problem(response, 413)


async def test_huge_body_to_the_gateways_own_endpoint_is_413(
    client: httpx.AsyncClient, admin_headers: dict[str, str]
) -> None:
    response = await client.post(
        "/v1/clients", content=b"{" * 1_500_000, headers={**admin_headers, "content-type": "application/json"}
    )
    assert_problem(response, 413)


async def test_import_routes_take_bodies_over_the_default_limit(
    client: httpx.AsyncClient, admin_headers: dict[str, str]
) -> None:
    """GATEWAY_MAX_BODY_BYTES is 1,000,000 here; an import (a page of real ads is 3-10 MB) takes up
    to GATEWAY_IMPORT_MAX_BODY_BYTES, every other route still refuses."""
    body = b"x" * 1_500_000
    headers = {**admin_headers, "content-type": "application/json"}
    imported = await client.post("/v1/openings:import", content=body, headers=headers)
    assert imported.status_code == 200, imported.text
    assert imported.json()["body_bytes"] == len(body)
    assert_problem(await client.post("/v1/openings:batch", content=body, headers=headers), 413)


@pytest.mark.parametrize(
    ("content", "content_type", "status"),
    [
        (b'{"name": "x", "tenant":', "application/json", 400),  # not JSON at all
        (b"name=x", "application/x-www-form-urlencoded", 422),
        (b"\xff\xfe", "application/json", 400),
        (b"[]", "application/json", 422),  # JSON, but not a client
    ],
)
async def test_unreadable_bodies_are_400_and_wrong_ones_422(
    client: httpx.AsyncClient, admin_headers: dict[str, str], content: bytes, content_type: str, status: int
) -> None:
    response = await client.post(
        "/v1/clients", content=content, headers={**admin_headers, "content-type": content_type}
    )
    assert_problem(response, status)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "x", "tenant": "DK-336", "scopes": ["citizens:read"]}, "tenant"),
        ({"name": "x", "tenant": "NO-0301", "scopes": ["citizens:read"]}, "tenant"),
        ({"name": "x", "tenant": "DK-0336", "scopes": ["citizens:everything"]}, "scopes"),
        ({"name": "x", "tenant": "DK-0336", "scopes": []}, "scopes"),
        ({"name": "", "tenant": "DK-0336", "scopes": ["admin"]}, "name"),
        ({"name": "x", "tenant": "DK-0336", "scopes": ["admin"], "extra": 1}, "extra"),
    ],
)
async def test_invalid_clients_name_the_field(
    client: httpx.AsyncClient, admin_headers: dict[str, str], body: dict[str, Any], field: str
) -> None:
    problem = assert_problem(await client.post("/v1/clients", json=body, headers=admin_headers), 422)
    assert [error["field"] for error in problem["errors"]] == [field]
