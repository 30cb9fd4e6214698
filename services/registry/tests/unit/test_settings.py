from __future__ import annotations

import pytest

from registry.domain.national_id_vault import WeakKeyMaterial
from registry.main import create_app
from registry.settings import Settings


def test_service_refuses_to_start_without_national_id_keys() -> None:
    with pytest.raises(WeakKeyMaterial):
        create_app(Settings(jwks_json='{"keys": []}'))


def test_encryption_keys_must_be_hex() -> None:
    settings = Settings(
        national_id_hmac_key="h" * 32, national_id_encryption_keys={"k1": "zz" * 32}, national_id_active_key_id="k1"
    )
    with pytest.raises(WeakKeyMaterial):
        settings.national_id_vault()
