"""Routing through the gateway to the three (stub) services, running as real processes."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from gateway.domain.routes import ROUTES

EVERY_COLLECTION = [(collection, service) for service, collections in ROUTES.items() for collection in collections]


@pytest.fixture
def user_headers(mint: Callable[..., str]) -> dict[str, str]:
    return {"Authorization": f"Bearer {mint(scope='citizens:read matching:read outcomes:read')}"}


def upstream_headers(echo: dict[str, Any]) -> dict[str, list[str]]:
    headers: dict[str, list[str]] = {}
    for name, value in echo["headers"]:
        headers.setdefault(name.lower(), []).append(value)
    return headers


@pytest.mark.parametrize(("collection", "service"), EVERY_COLLECTION)
async def test_each_collection_reaches_its_service(
    client: httpx.AsyncClient, user_headers: dict[str, str], collection: str, service: str
) -> None:
    response = await client.get(f"/v1/{collection}/abc/x", params={"limit": "5", "q": "æ ø"}, headers=user_headers)
    assert response.status_code == 200, response.text
    echo = response.json()
    assert echo["service"] == service
    assert echo["path"] == f"/v1/{collection}/abc/x"
    assert echo["query"] == "limit=5&q=%C3%A6+%C3%B8"


async def test_colon_actions_route_by_the_collection_before_the_colon(
    client: httpx.AsyncClient, user_headers: dict[str, str]
) -> None:
    response = await client.post("/v1/citizens:batch", json={"items": []}, headers=user_headers)
    assert response.status_code == 200, response.text
    assert response.json()["service"] == "registry"
    assert response.json()["path"] == "/v1/citizens:batch"


async def test_encoded_path_reaches_the_service_unchanged(
    client: httpx.AsyncClient, user_headers: dict[str, str]
) -> None:
    response = await client.get("/v1/skills/http%3A%2F%2Fdata.europa.eu%2Fesco%2Fskill%2F1", headers=user_headers)
    assert response.json()["raw_path"] == "/v1/skills/http%3A%2F%2Fdata.europa.eu%2Fesco%2Fskill%2F1"


async def test_request_id_is_passed_through(client: httpx.AsyncClient, user_headers: dict[str, str]) -> None:
    request_id = str(uuid.uuid4())
    response = await client.get("/v1/citizens", headers={**user_headers, "X-Request-ID": request_id})
    assert response.headers["x-request-id"] == request_id
    assert upstream_headers(response.json())["x-request-id"] == [request_id]


async def test_request_id_is_created_when_absent(client: httpx.AsyncClient, user_headers: dict[str, str]) -> None:
    response = await client.get("/v1/citizens", headers=user_headers)
    created = response.headers["x-request-id"]
    uuid.UUID(created)
    assert upstream_headers(response.json())["x-request-id"] == [created]


async def test_hop_by_hop_headers_stay_behind_and_forwarding_headers_are_set(
    client: httpx.AsyncClient, user_headers: dict[str, str]
) -> None:
    response = await client.get(
        "/v1/openings",
        headers={
            **user_headers,
            "Connection": "keep-alive, X-Private-Hop",
            "X-Private-Hop": "1",
            "Keep-Alive": "timeout=5",
            "Proxy-Authorization": "Basic eDp5",
            "Accept-Language": "da",
        },
    )
    seen = upstream_headers(response.json())
    for hop in ("x-private-hop", "keep-alive", "proxy-authorization", "te"):
        assert hop not in seen
    assert seen["accept-language"] == ["da"]
    assert seen["authorization"] == [user_headers["Authorization"]]
    assert seen["x-forwarded-for"] == ["127.0.0.1"]
    assert seen["x-forwarded-proto"] == ["http"]
    assert "x-forwarded-host" in seen
    # The upstream's own X-Request-ID and Connection headers do not reach the client twice.
    assert response.headers.get_list("x-request-id") == [response.headers["x-request-id"]]
    assert response.headers["x-request-id"] != "set-by-upstream"


async def test_request_body_is_streamed_to_the_service(client: httpx.AsyncClient, user_headers: dict[str, str]) -> None:
    async def chunks() -> Any:
        for _ in range(10):
            yield b"y" * 50_000

    response = await client.post("/v1/outcome-events", content=chunks(), headers=user_headers)
    assert response.status_code == 200, response.text
    assert response.json()["body_bytes"] == 500_000


async def test_large_response_is_streamed_back_whole(client: httpx.AsyncClient, user_headers: dict[str, str]) -> None:
    response = await client.get("/v1/evaluations/big", params={"size": "3000000"}, headers=user_headers)
    assert response.status_code == 200
    assert len(response.content) == 3_000_000


async def test_service_status_and_problem_pass_through(client: httpx.AsyncClient, user_headers: dict[str, str]) -> None:
    response = await client.get("/v1/citizens/status/404", headers=user_headers)
    assert response.status_code == 404
    assert response.json() == {"service": "registry", "status": 404}


async def test_cors_preflight_allows_only_listed_origins(client: httpx.AsyncClient) -> None:
    preflight = {"Access-Control-Request-Method": "GET", "Access-Control-Request-Headers": "authorization"}
    allowed = await client.options("/v1/citizens", headers={**preflight, "Origin": "https://app.brobygger.example"})
    assert allowed.status_code == 200
    assert allowed.headers["access-control-allow-origin"] == "https://app.brobygger.example"
    assert allowed.headers["access-control-allow-credentials"] == "true"
    refused = await client.options("/v1/citizens", headers={**preflight, "Origin": "https://evil.example"})
    assert refused.status_code == 400
    assert "access-control-allow-origin" not in refused.headers


async def test_cors_headers_on_a_proxied_answer(client: httpx.AsyncClient, user_headers: dict[str, str]) -> None:
    response = await client.get("/v1/citizens", headers={**user_headers, "Origin": "https://app.brobygger.example"})
    assert response.headers.get_list("access-control-allow-origin") == ["https://app.brobygger.example"]
    assert "x-request-id" in response.headers["access-control-expose-headers"].lower()
