"""Settings every service shares; each service subclasses with its own env prefix."""

from __future__ import annotations

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from .claims import AUDIENCE, ISSUER
from .http import ClientCredentialsToken

WEAK_SECRETS = {"", "changeme", "secret", "password", "dev"}


class ServiceSettings(BaseSettings):
    """Environment-driven settings; `REGISTRY_DATABASE_URL` etc. through each service's prefix."""

    model_config = SettingsConfigDict(extra="ignore", env_nested_delimiter="__")

    service_name: str = "service"
    database_url: str = Field(
        default="postgresql+asyncpg://brobygger_app@127.0.0.1:5432/service",
        description="Runtime connection, as the application role (not the table owner).",
    )
    database_pool_size: int = 20
    # Auth: tokens are verified against the gateway's JWKS (cached), or a static JWKS document.
    jwks_url: str | None = None
    jwks_json: str | None = None
    jwt_issuer: str = ISSUER
    jwt_audience: str = AUDIENCE
    # Service-to-service calls get a token from the gateway with client credentials.
    token_url: str | None = None
    service_client_id: str | None = None
    service_client_secret: SecretStr | None = None
    # Opaque pagination cursors are encrypted with this key (32 bytes, hex) so clients cannot
    # read or forge them.
    cursor_key: SecretStr = SecretStr("")
    cors_origins: list[str] = Field(default_factory=list)
    log_level: str = "INFO"
    log_json: bool = True
    max_body_bytes: int = 2_000_000
    # Import routes (`…:import`, the refusion statement file) take whole files: a 1,000-ad JobStream
    # page is 3-10 MB (real ads carry 3-10 KB of text each), a year's refusion file ~5 MB.
    import_max_body_bytes: int = 32_000_000

    def body_limit(self, path: str) -> int:
        """The largest body `path` takes: import routes the larger limit, every other one the default."""
        return self.import_max_body_bytes if is_import_path(path) else self.max_body_bytes

    def service_token(self) -> ClientCredentialsToken | None:
        """The token source for calls to other services (client credentials); None without credentials."""
        if self.token_url and self.service_client_id and self.service_client_secret:
            return ClientCredentialsToken(
                self.token_url, self.service_client_id, self.service_client_secret.get_secret_value()
            )
        return None

    @field_validator("cursor_key")
    @classmethod
    def _cursor_key_is_strong(cls, value: SecretStr) -> SecretStr:
        raw = value.get_secret_value()
        if raw in WEAK_SECRETS:
            return value  # empty means: derive a per-process key (development only)
        if len(bytes.fromhex(raw)) != 32:
            raise ValueError("cursor_key must be 32 bytes, hex-encoded")
        return value


IMPORT_PATHS = frozenset({"/v1/refusion-statements"})


def is_import_path(path: str) -> bool:
    return path.endswith(":import") or path in IMPORT_PATHS
