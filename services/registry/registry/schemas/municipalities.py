from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from registry.domain.retention import MAX_RETENTION_YEARS, MIN_RETENTION_YEARS
from registry.schemas.common import BankAccount
from servicekit.municipalities import MUNICIPALITY_CODE_PATTERN


class MunicipalityCreate(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"code": "DK-0336", "name": "Stevns"}]},
    )

    code: str = Field(pattern=MUNICIPALITY_CODE_PATTERN, description="Country prefix + official 4-digit code")
    name: str = Field(min_length=1, max_length=200)
    bank_account: BankAccount | None = Field(default=None, description="Where outcome payments are made from")


class MunicipalityUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"name": "Stevns Kommune"}]})

    name: str | None = Field(default=None, min_length=1, max_length=200)
    bank_account: BankAccount | None = None
    retention_years: int | None = Field(
        default=None,
        ge=MIN_RETENTION_YEARS,
        le=MAX_RETENTION_YEARS,
        description="Years a citizen's data is kept after their programme ends (default 5)",
    )


class MunicipalityRead(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "code": "DK-0336",
                    "name": "Stevns",
                    "country": "DK",
                    "retention_years": 5,
                    "created_at": "2026-01-05T09:00:00Z",
                    "updated_at": "2026-01-05T09:00:00Z",
                }
            ]
        }
    )

    code: str
    name: str
    country: Literal["DK", "SE"]
    retention_years: int = Field(description="Years a citizen's data is kept after their programme ends")
    bank_account: BankAccount | None = None
    created_at: datetime
    updated_at: datetime
