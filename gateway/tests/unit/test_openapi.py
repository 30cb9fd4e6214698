"""The gateway's own OpenAPI document is complete (DESIGN §5) and valid OpenAPI 3.1.

The merged document (gateway + services) is checked on the running stack in
tests/e2e/test_contract.py.
"""

from __future__ import annotations

from typing import Any

import pytest
from fastapi import FastAPI

from gateway.main import create_app
from gateway.settings import Settings
from servicekit.openapi_quality import app_contract_defects, operations


@pytest.fixture(scope="module")
def app() -> FastAPI:
    api: FastAPI = create_app(Settings(cursor_key="44" * 32)).api  # type: ignore[attr-defined]
    return api


def test_the_app_keeps_the_service_contract(app: FastAPI) -> None:
    assert app_contract_defects(app) == []


@pytest.fixture(scope="module")
def document(app: FastAPI) -> dict[str, Any]:
    return app.openapi()


def test_token_endpoint_documents_its_oauth2_errors(document: dict[str, Any]) -> None:
    token = next(op for path, method, op in operations(document) if path == "/v1/auth/token" and method == "post")
    assert token["operationId"] == "issueAccessToken"
    assert {"400", "401", "415", "429"} <= set(token["responses"])
