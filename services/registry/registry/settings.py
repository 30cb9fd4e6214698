"""Registry settings (env prefix REGISTRY_)."""

from __future__ import annotations

from pathlib import Path

from pydantic import AliasChoices, Field, SecretStr
from pydantic_settings import SettingsConfigDict

from servicekit.settings import ServiceSettings


class Settings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="REGISTRY_", extra="ignore")

    service_name: str = "registry"
    # Keyed HMAC of national ids (look-up, duplicate detection). Held outside the database.
    national_id_hmac_key: SecretStr = SecretStr("")
    # AES-GCM keys for the encrypted copy: {"key id": "64 hex chars"}; the first id encrypts.
    national_id_encryption_keys: dict[str, SecretStr] = Field(default_factory=dict)
    national_id_active_key_id: str = ""
    esco_dir: Path | None = Field(default=None, validation_alias=AliasChoices("REGISTRY_ESCO_DIR", "ESCO_DIR"))
