"""The registry's OpenAPI document is complete (DESIGN §5) and valid OpenAPI 3.1."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from fastapi import FastAPI

from registry.main import create_app
from registry.settings import Settings
from servicekit.openapi_quality import app_contract_defects, operations

NATIONAL_ID = re.compile(r"\b\d{6}-?\d{4}\b")


@pytest.fixture(scope="module")
def app() -> FastAPI:
    settings = Settings(
        jwks_json='{"keys": []}',
        cursor_key="11" * 32,
        national_id_hmac_key="test-hmac-key-not-for-production-0123456789",
        national_id_encryption_keys={"k1": "22" * 32},
        national_id_active_key_id="k1",
        **{"REGISTRY_ESCO_DIR": None},
    )
    return create_app(settings)


def test_the_app_keeps_the_service_contract(app: FastAPI) -> None:
    assert app_contract_defects(app) == []


@pytest.fixture(scope="module")
def document(app: FastAPI) -> dict[str, Any]:
    return app.openapi()


def test_operation_ids_are_camel_case_endpoint_names(document: dict[str, Any]) -> None:
    ids = {f"{method.upper()} {path}": op["operationId"] for path, method, op in operations(document)}
    assert ids["POST /v1/citizens"] == "createCitizen"
    assert ids["GET /v1/citizens"] == "listCitizens"
    assert ids["POST /v1/citizens:batch"] == "batchCitizens"


def test_no_answer_example_carries_a_national_id(document: dict[str, Any]) -> None:
    """Request examples may show a (fake) CPR; an answer never carries one (DESIGN §5)."""
    for path, method, operation in operations(document):
        for status, response in operation["responses"].items():
            for content in response.get("content", {}).values():
                assert not NATIONAL_ID.search(json.dumps(content.get("example"))), (method, path, status)
