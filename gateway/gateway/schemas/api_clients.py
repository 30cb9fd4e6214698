"""Request and response bodies of the gateway's own endpoints."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from servicekit.municipalities import TENANT_PATTERN

from ..domain.scopes import KNOWN_SCOPES, unknown_scopes


class TokenResponse(BaseModel):
    access_token: str
    token_type: str = Field(examples=["Bearer"])
    expires_in: int = Field(description="Seconds until the token expires.", examples=[900])
    scope: str = Field(
        description="Space-separated scopes the token carries.", examples=["citizens:read matching:read"]
    )


SCOPE_ITEMS: Any = {"type": "string", "enum": sorted(KNOWN_SCOPES)}


class ClientCreate(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"name": "Stevns jobcenter sync", "tenant": "DK-0336", "scopes": ["citizens:write"]}]
        },
    )

    name: str = Field(min_length=1, max_length=200)
    tenant: str = Field(
        pattern=TENANT_PATTERN,
        description="A municipality code (`DK-0336`, `SE-2080`) the registry holds, or `*` for national roles.",
    )
    scopes: list[str] = Field(
        min_length=1,
        max_length=len(KNOWN_SCOPES),
        description=f"Any of: {', '.join(sorted(KNOWN_SCOPES))}.",
        json_schema_extra={"items": SCOPE_ITEMS},
    )

    @field_validator("scopes")
    @classmethod
    def _known_scopes(cls, value: list[str]) -> list[str]:
        unknown = unknown_scopes(value)
        if unknown:
            raise ValueError(f"unknown scopes: {', '.join(unknown)}")
        return sorted(set(value))


class ClientRead(BaseModel):
    client_id: str
    name: str
    tenant: str
    scopes: list[str]
    created_at: datetime
    revoked_at: datetime | None


class ClientCreated(ClientRead):
    client_secret: str = Field(description="Shown once; only a hash is stored.")
