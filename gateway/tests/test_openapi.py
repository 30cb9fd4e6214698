"""The gateway's own OpenAPI document is complete (DESIGN §5) and valid OpenAPI 3.1.

The merged document (gateway + services) is checked on the running stack in
tests/e2e/test_contract.py.
"""

from __future__ import annotations

from typing import Any

import pytest
from openapi_spec_validator import validate

from gateway.main import create_app
from gateway.settings import Settings
from servicekit.openapi_quality import openapi_defects, operations


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    return create_app(Settings(cursor_key="44" * 32)).api.openapi()  # type: ignore[attr-defined]


def test_every_operation_is_documented_with_examples_and_problem_errors(document: dict[str, Any]) -> None:
    assert openapi_defects(document) == []


def test_document_validates_as_openapi_3_1(document: dict[str, Any]) -> None:
    assert document["openapi"].startswith("3.1")
    validate(document)


def test_token_endpoint_documents_its_oauth2_errors(document: dict[str, Any]) -> None:
    token = next(op for path, method, op in operations(document) if path == "/v1/auth/token" and method == "post")
    assert token["operationId"] == "issueAccessToken"
    assert {"400", "401", "415", "429"} <= set(token["responses"])
