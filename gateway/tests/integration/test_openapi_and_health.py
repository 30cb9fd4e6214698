"""The merged OpenAPI document, Swagger UI, /healthz, /readyz and /metrics."""

from __future__ import annotations

import re
from pathlib import Path
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
    schemes = document["components"]["securitySchemes"]
    assert list(schemes) == ["oauth2"]
    flow = schemes["oauth2"]["flows"]["clientCredentials"]
    assert flow["tokenUrl"] == "/v1/auth/token"
    assert {"citizens:read", "settlements:approve", "admin"} <= set(flow["scopes"])
    assert paths["/v1/models/{code}"]["get"]["security"] == [{"oauth2": []}]
    assert paths["/v1/clients"]["post"]["security"] == [{"oauth2": ["admin"]}]
    assert "security" not in paths["/v1/auth/token"]["post"]
    assert document["servers"][0]["url"].startswith("http://127.0.0.1:")
    assert "x-unavailable-services" not in document["info"]


async def test_clashing_component_names_are_kept_apart(client: httpx.AsyncClient) -> None:
    document = (await client.get("/openapi.json")).json()
    schemas: dict[str, Any] = document["components"]["schemas"]
    items = {name: schema for name, schema in schemas.items() if name.endswith("Item")}
    assert len(items) == 4
    assert "Shared" in schemas
    assert not any(name.endswith("Shared") and name != "Shared" for name in schemas)
    owners = {next(p for p in schema["properties"] if p.endswith("_only")) for schema in items.values()}
    assert owners == {"registry_only", "matching_only", "outcomes_only", "webhooks_only"}
    for path, service in (
        ("/v1/municipalities/{code}", "registry"),
        ("/v1/models/{code}", "matching"),
        ("/v1/rate-cards/{code}", "outcomes"),
        ("/v1/webhooks/{code}", "webhooks"),
    ):
        ref = document["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
        assert f"{service}_only" in schemas[ref.rsplit("/", 1)[-1]]["properties"]


async def test_docs_work_offline_under_a_strict_content_security_policy(client: httpx.AsyncClient) -> None:
    for page in ("/docs", "/redoc"):
        response = await client.get(page)
        assert response.status_code == 200
        assert "http://" not in response.text
        assert "https://" not in response.text
        assert "<script>" not in response.text  # no inline script
        policy = response.headers["content-security-policy"]
        assert "script-src 'self'" in policy
        assert "default-src 'none'" in policy
        for asset in re.findall(r'(?:src|href)="(/docs/static/[^"]+)"', response.text):
            served = await client.get(asset)
            assert served.status_code == 200, asset
            assert served.content
    init = (await client.get("/docs/static/swagger-init.js")).text
    assert '"/openapi.json"' in init
    assert (await client.get("/docs/static/anything.js")).status_code == 404


async def test_every_answer_carries_a_content_security_policy(
    client: httpx.AsyncClient, admin_headers: dict[str, str]
) -> None:
    for path in ("/openapi.json", "/healthz", "/v1/clients", "/v1/citizens"):
        response = await client.get(path, headers=admin_headers)
        assert "default-src 'none'" in response.headers["content-security-policy"], path


async def test_health_readiness_and_metrics(client: httpx.AsyncClient, admin_headers: dict[str, str]) -> None:
    assert (await client.get("/healthz")).json() == {"status": "ok"}
    ready = await client.get("/readyz")
    assert ready.status_code == 200, ready.text
    checks = ready.json()["checks"]
    assert checks["migrations"] == "at head"
    assert {checks[f"upstream:{name}"] for name in ("registry", "matching", "outcomes", "webhooks")} == {"ok"}
    await client.get("/v1/citizens", headers=admin_headers)
    metrics = (await client.get("/metrics")).text
    assert 'route="/v1/citizens"' in metrics


async def test_readyz_waits_for_the_demo_and_the_followers(
    start_gateway: Any, stubs: dict[str, Any], tmp_path: Path
) -> None:
    """`make run` writes the marker once the demo is loaded and the followers reached the feed head."""
    marker = tmp_path / "ready"
    gateway = start_gateway(stubs, ready_marker=str(marker))
    async with httpx.AsyncClient(base_url=gateway.url) as http:
        before = await http.get("/readyz")
        assert before.status_code == 503
        assert before.json()["checks"]["demo_loaded_and_followers_caught_up"] is False
        marker.write_text("feed head 42\n")
        assert (await http.get("/readyz")).status_code == 200
    gateway.stop()
