"""Growth partnership request and response models."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from servicekit.municipalities import MUNICIPALITY_CODE_PATTERN

PartnershipStatus = Literal["planned", "active", "ended"]
EXAMPLE: dict[str, Any] = {
    "municipality": "DK-0336",
    "company_id": "0b6c2f5e-1d2a-4c1b-9a51-0d6f3f0c2a11",
    "business_council_id": "1c7d3a6f-2e3b-4d2c-8b62-1e7a4a1d3b22",
    "provider_id": "2d8e4b7a-3f4c-4e3d-9c73-2f8b5b2e4c33",
    "starts_on": "2026-02-01",
    "ends_on": "2027-01-31",
    "status": "active",
}


class PartnershipCreate(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [EXAMPLE]})

    municipality: str | None = Field(default=None, pattern=MUNICIPALITY_CODE_PATTERN)
    company_id: UUID = Field(description="A company or social enterprise")
    business_council_id: UUID
    provider_id: UUID
    starts_on: date
    ends_on: date
    status: PartnershipStatus = "planned"


class PartnershipUpdate(BaseModel):
    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"status": "ended", "ends_on": "2026-12-31"}]}
    )

    company_id: UUID | None = None
    business_council_id: UUID | None = None
    provider_id: UUID | None = None
    starts_on: date | None = None
    ends_on: date | None = None
    status: PartnershipStatus | None = None


class PartnershipRead(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    **EXAMPLE,
                    "id": "3e9f8a7b-6c5d-4e3f-a2b1-c0d9e8f7a6b5",
                    "created_at": "2026-01-05T09:00:00Z",
                    "updated_at": "2026-01-05T09:00:00Z",
                }
            ]
        }
    )

    id: UUID
    municipality: str
    company_id: UUID
    business_council_id: UUID
    provider_id: UUID
    starts_on: date
    ends_on: date
    status: PartnershipStatus
    created_at: datetime
    updated_at: datetime


class PartnershipFilter(BaseModel):
    """The query of GET /v1/partnerships: each field given keeps the partnerships whose column equals it."""

    municipality: str | None = Field(default=None, pattern=MUNICIPALITY_CODE_PATTERN)
    status: PartnershipStatus | None = None
    company_id: UUID | None = None
