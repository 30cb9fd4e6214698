"""The matching service's OpenAPI document is complete (DESIGN §5) and valid OpenAPI 3.1."""

from __future__ import annotations

import pytest
from fastapi import FastAPI

from matching.main import create_app
from matching.settings import Settings
from servicekit.openapi_quality import app_contract_defects


@pytest.fixture(scope="module")
def app() -> FastAPI:
    settings = Settings(
        jwks_json='{"keys": []}', cursor_key="33" * 32, feed_enabled=False, **{"MATCHING_ESCO_DIR": None}
    )
    return create_app(settings)


def test_the_app_keeps_the_service_contract(app: FastAPI) -> None:
    assert app_contract_defects(app) == []
