"""Gateway settings (env prefix GATEWAY_)."""

from __future__ import annotations

from pathlib import Path

from pydantic import AliasChoices, Field, SecretStr, field_validator, model_validator
from pydantic_settings import SettingsConfigDict

from servicekit.settings import WEAK_SECRETS, ServiceSettings

MIN_ADMIN_SECRET_LENGTH = 16


class Settings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="GATEWAY_", extra="ignore")

    service_name: str = "gateway"
    # Where the gateway itself is reached, for the merged OpenAPI document's `servers`.
    public_url: str = ""

    # Upstreams (base URLs without a trailing path).
    registry_url: str = "http://127.0.0.1:8001"
    matching_url: str = "http://127.0.0.1:8002"
    outcomes_url: str = "http://127.0.0.1:8003"
    webhooks_url: str = "http://127.0.0.1:8004"
    upstream_connect_timeout: float = 2.0
    # Longest wait for the upstream's response headers, and between two body chunks.
    upstream_timeout: float = 30.0
    upstream_attempts: int = Field(default=2, ge=1, le=5)
    upstream_pool_size: int = 200
    # Requests in flight to one upstream address at once; the rest wait here, first come first
    # served. Below the service's database pool (20), so an admitted request never waits for a
    # connection there (where waiting is not fair: one request could starve for the pool timeout).
    # Behind one address for several replicas, raise it to 16 times the replicas.
    upstream_concurrency: int = Field(default=16, ge=1)
    breaker_failure_threshold: int = Field(default=5, ge=1)
    breaker_reset_seconds: float = Field(default=30.0, gt=0)
    openapi_cache_seconds: float = 60.0
    # A file /readyz waits for: `make run` writes it once the demo is loaded and the followers
    # (matching, outcomes) have applied the registry's feed up to its head. Unset: not waited for.
    ready_marker: Path | None = None

    # Token issuing. Concatenated Ed25519 private keys in PEM: the first signs, all are published.
    signing_keys: SecretStr = SecretStr("")
    # Without signing_keys: a generated key, kept in this file (if set) so restarts keep it.
    signing_key_path: Path | None = None
    token_ttl_seconds: int = Field(default=900, ge=60, le=86_400)
    admin_client_id: str | None = None
    admin_client_secret: SecretStr | None = None

    # Per-client rate limit in the `limits` notation ("600/minute", "20/second").
    rate_limit: str = "600/minute"
    # Failed token requests per caller address (guessing secrets; each costs ~0.25 s of argon2).
    # Successful ones are not counted.
    token_failure_limit: str = "30/minute"
    redis_url: str | None = Field(default=None, validation_alias=AliasChoices("GATEWAY_REDIS_URL", "REDIS_URL"))

    @field_validator("admin_client_secret")
    @classmethod
    def _admin_secret_is_strong(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None:
            return None
        raw = value.get_secret_value()
        if raw in WEAK_SECRETS or len(raw) < MIN_ADMIN_SECRET_LENGTH:
            raise ValueError(f"admin_client_secret must be at least {MIN_ADMIN_SECRET_LENGTH} characters")
        return value

    @model_validator(mode="after")
    def _admin_pair(self) -> Settings:
        if (self.admin_client_id is None) != (self.admin_client_secret is None):
            raise ValueError("set both GATEWAY_ADMIN_CLIENT_ID and GATEWAY_ADMIN_CLIENT_SECRET, or neither")
        if "*" in self.cors_origins:
            raise ValueError("cors_origins must list origins; '*' is refused because credentials are allowed")
        return self

    @field_validator("rate_limit", "token_failure_limit")
    @classmethod
    def _rate_limit_parses(cls, value: str) -> str:
        from limits import parse

        parse(value)
        return value
