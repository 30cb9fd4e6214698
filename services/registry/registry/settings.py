"""Registry settings (env prefix REGISTRY_)."""

from __future__ import annotations

from pathlib import Path

from pydantic import AliasChoices, Field, SecretStr
from pydantic_settings import SettingsConfigDict

from registry.domain.national_id_vault import NationalIdVault, WeakKeyMaterial
from servicekit.settings import ServiceSettings


class Settings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="REGISTRY_", extra="ignore")

    service_name: str = "registry"
    # Keyed HMAC of national ids (look-up, duplicate detection). Held outside the database;
    # at least 32 bytes (REGISTRY_NATIONAL_ID_HMAC_KEY).
    national_id_hmac_key: SecretStr = SecretStr("")
    # AES-GCM keys for the encrypted copy: {"key id": "64 hex chars"} as JSON
    # (REGISTRY_NATIONAL_ID_ENCRYPTION_KEYS='{"k1": "…"}'); the active id encrypts new writes.
    national_id_encryption_keys: dict[str, SecretStr] = Field(default_factory=dict)
    national_id_active_key_id: str = ""
    esco_dir: Path | None = Field(default=None, validation_alias=AliasChoices("REGISTRY_ESCO_DIR", "ESCO_DIR"))
    # Where `openings:import` reads ESCO's occupations (their ISCO-08 groups) for its occupation
    # map; defaults to esco_dir. Without either, imported occupations stay unmapped (flagged).
    occupation_map_esco_dir: Path | None = None
    # The followers of the change feed: asked for what they hold (a citizen's export) and how far
    # they have applied the feed (an erasure's status), with this service's client-credentials
    # token. Unset: the export says `not_configured`, the erasure status does not wait for it.
    matching_url: str | None = None
    outcomes_url: str | None = None
    followers_timeout_seconds: float = Field(default=5.0, gt=0)

    def national_id_vault(self) -> NationalIdVault:
        """The vault for national ids; refuses missing or weak keys (the service does not start)."""
        try:
            keys = {k: bytes.fromhex(v.get_secret_value()) for k, v in self.national_id_encryption_keys.items()}
        except ValueError as exc:
            raise WeakKeyMaterial("national id encryption keys must be hex-encoded") from exc
        return NationalIdVault(
            hmac_key=self.national_id_hmac_key.get_secret_value().encode(),
            encryption_keys=keys,
            active_key_id=self.national_id_active_key_id,
        )
