"""The gateway's own OpenAPI document is complete (DESIGN §5) and valid OpenAPI 3.1.

The merged document (gateway + services) is checked on the running stack in
tests/e2e/test_contract.py.
"""

from __future__ import annotations

from typing import Any

import pytest
from fastapi import FastAPI
from openapi_spec_validator import validate

from gateway.main import create_app
from gateway.settings import Settings
from servicekit.openapi_quality import openapi_defects, operations
from servicekit.threadpool_audit import threadpool_calls


@pytest.fixture(scope="module")
def app() -> FastAPI:
    api: FastAPI = create_app(Settings(cursor_key="44" * 32)).api  # type: ignore[attr-defined]
    return api


@pytest.fixture(scope="module")
def document(app: FastAPI) -> dict[str, Any]:
    return app.openapi()


def test_no_endpoint_or_dependency_runs_in_the_thread_pool(app: FastAPI) -> None:
    assert threadpool_calls(app) == []


def test_every_operation_is_documented_with_examples_and_problem_errors(document: dict[str, Any]) -> None:
    assert openapi_defects(document) == []


def test_document_validates_as_openapi_3_1(document: dict[str, Any]) -> None:
    assert document["openapi"].startswith("3.1")
    validate(document)


def test_token_endpoint_documents_its_oauth2_errors(document: dict[str, Any]) -> None:
    token = next(op for path, method, op in operations(document) if path == "/v1/auth/token" and method == "post")
    assert token["operationId"] == "issueAccessToken"
    assert {"400", "401", "415", "429"} <= set(token["responses"])
