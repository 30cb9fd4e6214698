"""Organisation request and response models."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from registry.schemas.common import BankAccount
from servicekit.municipalities import MUNICIPALITY_CODE_PATTERN

# An investor funds a social impact bond up front and is repaid from outcome payments.
OrganisationKind = Literal["company", "social_enterprise", "business_council", "provider", "municipal_unit", "investor"]
EXAMPLE: dict[str, Any] = {
    "kind": "social_enterprise",
    "name": "Grøn Hånd ApS",
    "registration_number": "13585628",
    "municipality": "DK-0336",
    "asf_criteria": {
        "work_integration_purpose": True,
        "reinvests_profits": True,
        "participant_involvement": True,
        "independent_of_public_sector": True,
    },
}


class AsfCriteria(BaseModel):
    """The four ASF criteria of a work-integration social enterprise."""

    model_config = ConfigDict(extra="forbid")

    work_integration_purpose: bool
    reinvests_profits: bool
    participant_involvement: bool
    independent_of_public_sector: bool


class OrganisationCreate(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [EXAMPLE]})

    kind: OrganisationKind
    name: str = Field(min_length=1, max_length=200)
    registration_number: str | None = Field(
        default=None,
        max_length=20,
        description="CVR (DK, 8 digits, modulus-11) or organisationsnummer (SE, 10 digits, Luhn)",
    )
    municipality: str | None = Field(
        default=None,
        pattern=MUNICIPALITY_CODE_PATTERN,
        description="Defaults to the token's; national clients must name it",
    )
    asf_criteria: AsfCriteria | None = None
    bank_account: BankAccount | None = Field(default=None, description="Where outcome payments to it are made")


class OrganisationUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"name": "Grøn Hånd A/S"}]})

    kind: OrganisationKind | None = None
    name: str | None = Field(default=None, min_length=1, max_length=200)
    registration_number: str | None = Field(default=None, max_length=20)
    asf_criteria: AsfCriteria | None = None
    bank_account: BankAccount | None = None


class OrganisationRead(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    **EXAMPLE,
                    "id": "6f1c2d3e-4f5a-4b6c-8d7e-9f0a1b2c3d4e",
                    "country": "DK",
                    "created_at": "2026-01-05T09:00:00Z",
                    "updated_at": "2026-01-05T09:00:00Z",
                }
            ]
        }
    )

    id: UUID
    kind: OrganisationKind
    name: str
    registration_number: str | None
    country: Literal["DK", "SE"]
    municipality: str
    asf_criteria: AsfCriteria | None
    bank_account: BankAccount | None = None
    created_at: datetime
    updated_at: datetime


class OrganisationFilter(BaseModel):
    """The query of GET /v1/organisations: each field given keeps the organisations whose column equals it."""

    municipality: str | None = Field(
        default=None, pattern=MUNICIPALITY_CODE_PATTERN, description="Filter (national clients)"
    )
    kind: OrganisationKind | None = None
