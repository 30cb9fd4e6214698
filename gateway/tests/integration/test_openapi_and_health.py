"""The merged OpenAPI document, Swagger UI, /healthz, /readyz and /metrics."""

from __future__ import annotations

from typing import Any

import httpx


async def test_merged_openapi_lists_every_service_and_the_gateway(client: httpx.AsyncClient) -> None:
    document = (await client.get("/openapi.json")).json()
    paths = document["paths"]
    for path in (
        "/v1/municipalities/{code}",
        "/v1/models/{code}",
        "/v1/rate-cards/{code}",
        "/v1/auth/token",
        "/v1/clients",
    ):
        assert path in paths, path
    assert not any(path.startswith("/internal") or path == "/healthz" for path in paths)
    assert document["components"]["securitySchemes"] == {
        "bearerAuth": {
            "type": "http",
            "scheme": "bearer",
            "bearerFormat": "JWT",
            "description": "A token from `POST /v1/auth/token` (OAuth2 client credentials).",
        }
    }
    assert paths["/v1/models/{code}"]["get"]["security"] == [{"bearerAuth": []}]
    assert "security" not in paths["/v1/auth/token"]["post"]
    assert document["servers"][0]["url"].startswith("http://127.0.0.1:")
    assert "x-unavailable-services" not in document["info"]


async def test_clashing_component_names_are_kept_apart(client: httpx.AsyncClient) -> None:
    document = (await client.get("/openapi.json")).json()
    schemas: dict[str, Any] = document["components"]["schemas"]
    items = {name: schema for name, schema in schemas.items() if name.split(".")[-1] == "Item"}
    assert len(items) == 3
    assert "Shared" in schemas
    assert not any(name.endswith(".Shared") for name in schemas)
    owners = {next(p for p in schema["properties"] if p.endswith("_only")) for schema in items.values()}
    assert owners == {"registry_only", "matching_only", "outcomes_only"}
    for path, service in (
        ("/v1/municipalities/{code}", "registry"),
        ("/v1/models/{code}", "matching"),
        ("/v1/rate-cards/{code}", "outcomes"),
    ):
        ref = document["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
        assert f"{service}_only" in schemas[ref.rsplit("/", 1)[-1]]["properties"]


async def test_swagger_ui_points_at_the_merged_document(client: httpx.AsyncClient) -> None:
    response = await client.get("/docs")
    assert response.status_code == 200
    assert "/openapi.json" in response.text


async def test_health_readiness_and_metrics(client: httpx.AsyncClient, admin_headers: dict[str, str]) -> None:
    assert (await client.get("/healthz")).json() == {"status": "ok"}
    ready = await client.get("/readyz")
    assert ready.status_code == 200, ready.text
    checks = ready.json()["checks"]
    assert checks["migrations"] == "at head"
    assert {checks[f"upstream:{name}"] for name in ("registry", "matching", "outcomes")} == {"ok"}
    await client.get("/v1/citizens", headers=admin_headers)
    metrics = (await client.get("/metrics")).text
    assert 'route="/v1/citizens"' in metrics
