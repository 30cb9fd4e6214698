from __future__ import annotations

import httpx


async def test_openapi_documents_every_collection_and_never_returns_national_id(client: httpx.AsyncClient) -> None:
    spec = (await client.get("/openapi.json")).json()
    for path in (
        "/v1/organisations",
        "/v1/partnerships",
        "/v1/openings:batch",
        "/v1/citizens:batch",
        "/v1/enrolments",
        "/v1/audit-events",
    ):
        assert path in spec["paths"], path
    schemas = spec["components"]["schemas"]
    assert "national_id" in schemas["CitizenCreate"]["properties"]
    assert "national_id" not in schemas["CitizenRead"]["properties"]
