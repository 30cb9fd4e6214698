"""The outcomes service's OpenAPI document is complete (DESIGN §5) and valid OpenAPI 3.1."""

from __future__ import annotations

from typing import Any

import pytest
from openapi_spec_validator import validate

from outcomes.main import create_app
from outcomes.settings import Settings
from servicekit.openapi_quality import openapi_defects


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    return create_app(Settings(jwks_json='{"keys": []}', cursor_key="33" * 32)).openapi()


def test_every_operation_is_documented_with_examples_and_problem_errors(document: dict[str, Any]) -> None:
    assert openapi_defects(document) == []


def test_document_validates_as_openapi_3_1(document: dict[str, Any]) -> None:
    assert document["openapi"].startswith("3.1")
    validate(document)
