"""The outcomes service's OpenAPI document is complete (DESIGN §5) and valid OpenAPI 3.1."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi import FastAPI
from openapi_spec_validator import validate

from outcomes.main import create_app
from outcomes.settings import Settings
from servicekit.openapi_quality import openapi_defects
from servicekit.threadpool_audit import threadpool_calls


@pytest.fixture(scope="module")
def app() -> FastAPI:
    return create_app(Settings(jwks_json='{"keys": []}', cursor_key="33" * 32))


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
