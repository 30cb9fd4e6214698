"""The webhooks service's OpenAPI document is complete (DESIGN §5) and valid OpenAPI 3.1."""

from __future__ import annotations

from servicekit.openapi_quality import app_contract_defects
from webhooks.main import create_app
from webhooks.settings import Settings


def test_the_app_keeps_the_service_contract() -> None:
    app = create_app(Settings(jwks_json='{"keys": []}', cursor_key="44" * 32))
    assert app_contract_defects(app) == []
