"""domain/openapi_merge.py: paths by owner, clashing components renamed (titles too), one OAuth2 scheme."""

from __future__ import annotations

from typing import Any

from gateway.domain.openapi_merge import SECURITY_SCHEME, merge_openapi
from gateway.domain.routes import upstream_for


def service_doc(path: str, extra_field: str) -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "paths": {
            path: {
                "get": {
                    "responses": {
                        "200": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Item"}}}}
                    }
                }
            },
            "/internal/v1/changes": {"get": {}},
        },
        "components": {
            "schemas": {
                "Item": {"title": "Item", "properties": {extra_field: {"type": "string"}}},
                "Problem": {"properties": {"title": {"type": "string"}}},
                "Page": {"properties": {"items": {"$ref": "#/components/schemas/Item"}}},
            },
            "securitySchemes": {"Own": {"type": "http", "scheme": "bearer"}},
        },
    }


def test_merge() -> None:
    gateway = {
        "openapi": "3.1.0",
        "info": {"title": "gw", "version": "1"},
        "paths": {"/v1/clients": {"get": {}}, "/v1/auth/token": {"post": {}}},
        "components": {"schemas": {"Problem": {"properties": {"title": {"type": "string"}}}}},
    }
    merged = merge_openapi(
        gateway,
        {"registry": service_doc("/v1/citizens", "a"), "matching": service_doc("/v1/recommendations", "b")},
        owns=lambda service, path: upstream_for(path) == service,
        servers=[{"url": "https://api.example"}],
        public_paths=frozenset({"/v1/auth/token"}),
    )
    assert list(merged["paths"]) == ["/v1/auth/token", "/v1/citizens", "/v1/clients", "/v1/recommendations"]
    schemas = merged["components"]["schemas"]
    assert set(schemas) == {"Problem", "Item", "Page", "MatchingItem", "MatchingPage"}
    ref = merged["paths"]["/v1/recommendations"]["get"]["responses"]["200"]["content"]["application/json"]["schema"][
        "$ref"
    ]
    assert ref == "#/components/schemas/MatchingItem"
    assert schemas["MatchingPage"]["properties"]["items"]["$ref"] == "#/components/schemas/MatchingItem"
    assert schemas["Item"]["properties"] == {"a": {"type": "string"}}
    # A client generator names models by title: a renamed component's title is renamed with it.
    titles = [schema.get("title") for schema in schemas.values() if schema.get("title")]
    assert len(titles) == len(set(titles))
    assert schemas["MatchingItem"]["title"] == "MatchingItem"
    scheme = merged["components"]["securitySchemes"][SECURITY_SCHEME]
    assert scheme["type"] == "oauth2"
    assert scheme["flows"]["clientCredentials"]["tokenUrl"] == "/v1/auth/token"
    assert merged["paths"]["/v1/citizens"]["get"]["security"] == [{SECURITY_SCHEME: []}]
    assert merged["paths"]["/v1/clients"]["get"]["security"] == [{SECURITY_SCHEME: []}]
    assert "security" not in merged["paths"]["/v1/auth/token"]["post"]
    assert merged["servers"] == [{"url": "https://api.example"}]
    assert "securitySchemes" not in gateway.get("components", {})  # the input is not changed


def test_operations_keep_the_scopes_their_service_declared() -> None:
    document = service_doc("/v1/citizens", "a")
    document["paths"]["/v1/citizens"]["get"]["security"] = [{"oauth2": ["citizens:read"]}, {"oauth2": ["admin"]}]
    merged = merge_openapi(
        {"openapi": "3.1.0", "info": {"title": "gw", "version": "1"}, "paths": {}},
        {"registry": document},
        owns=lambda service, path: upstream_for(path) == service,
        servers=[],
    )
    assert merged["paths"]["/v1/citizens"]["get"]["security"] == [
        {SECURITY_SCHEME: ["citizens:read"]},
        {SECURITY_SCHEME: ["admin"]},
    ]


def test_proxied_operations_document_the_gateways_own_errors() -> None:
    merged = merge_openapi(
        {"openapi": "3.1.0", "info": {"title": "gw", "version": "1"}, "paths": {"/v1/clients": {"get": {}}}},
        {"registry": service_doc("/v1/citizens", "a")},
        owns=lambda service, path: upstream_for(path) == service,
        servers=[],
    )
    responses = merged["paths"]["/v1/citizens"]["get"]["responses"]
    for status in ("429", "503", "504"):
        content = responses[status]["content"]["application/problem+json"]
        assert content["schema"] == {"$ref": "#/components/schemas/Problem"}
        assert content["example"]["status"] == int(status)
    assert "responses" not in merged["paths"]["/v1/clients"]["get"]  # the gateway's own paths are its own
