"""Two-sided Payment-by-Results contracts; money is integer øre with a currency."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, JsonValue, field_validator, model_validator
from pydantic_core import PydanticCustomError

from outcomes.domain.milestones import known_milestones
from servicekit.municipalities import MUNICIPALITY_CODE_PATTERN


def _known_milestones(tariffs: dict[str, int]) -> dict[str, int]:
    try:
        return known_milestones(tariffs)
    except ValueError as error:
        raise PydanticCustomError("tariffs", str(error)) from error


# Milestone → amount in øre; a contract and a simulation alike refuse a milestone the rules do not know.
Tariffs = Annotated[dict[str, int], AfterValidator(_known_milestones)]

CONTRACT_EXAMPLES: list[JsonValue] = [
    {
        "partnership_id": "2d0f6a8c-5b1e-4f7a-8c3d-9e0b1a2c3d4e",
        "side": "citizen_course",
        "payee_id": "7a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d",
        "starts_on": "2024-01-01",
        "ends_on": "2025-07-01",
        "tariffs": {"placement_started": 500000, "retained_3m": 1000000, "retained_12m": 2000000},
        "premium_percent": {"integration": "25"},
        "savings_share_percent": "10",
        "cap_per_citizen": 4000000,
        "cap_total": 60000000,
    }
]


class ContractCreate(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": CONTRACT_EXAMPLES})

    municipality: str | None = Field(
        default=None, pattern=MUNICIPALITY_CODE_PATTERN, description="Only for national clients (tenant '*')"
    )
    partnership_id: uuid.UUID
    side: Literal["citizen_course", "company_accelerator"]
    payee_id: uuid.UUID
    company_id: uuid.UUID | None = Field(
        default=None, description="Company side: whose hires count (default: the partnership's company)"
    )
    rate_card_id: str | None = None
    starts_on: date
    ends_on: date
    tariffs: Tariffs = Field(description="Milestone → amount in øre")
    premium_percent: dict[str, Decimal] = Field(
        default_factory=dict, description="Target group → percent added to tariffs"
    )
    savings_share_percent: Decimal | None = Field(default=None, ge=0, le=100)
    cap_per_citizen: int | None = Field(default=None, ge=0)
    cap_total: int | None = Field(default=None, ge=0)
    gap_days: int = Field(default=14, ge=0, le=365)
    min_hours: float = Field(default=10, ge=0, le=37)
    deadweight: bool = False
    savings_share_basis: Literal["net", "gross"] = Field(
        default="net", description="net: share of the §7 net municipal saving (default); gross: of the gross one"
    )
    milestone_kinds: dict[str, list[str]] | None = Field(
        default=None,
        description="Milestone → placement kinds that count for it; milestones left out count job kinds "
        "(ordinary, flexjob, smaajob, wage_subsidy): an internship on benefit is not a job",
    )

    @field_validator("premium_percent")
    @classmethod
    def _premium_range(cls, premium: dict[str, Decimal]) -> dict[str, Decimal]:
        if any(not Decimal(-100) <= value <= Decimal(1000) for value in premium.values()):
            raise ValueError("a premium is a percent from -100 to 1000")
        return premium

    @model_validator(mode="after")
    def _period(self) -> ContractCreate:
        if self.ends_on <= self.starts_on:
            raise PydanticCustomError("period_order", "ends_on must be after starts_on")
        return self


class ContractRead(BaseModel):
    id: uuid.UUID
    municipality: str
    partnership_id: uuid.UUID
    side: str
    payee_id: uuid.UUID
    company_id: uuid.UUID | None
    rate_card_id: str
    currency: str
    starts_on: date
    ends_on: date
    tariffs: dict[str, int]
    premium_percent: dict[str, str]
    savings_share_percent: str | None
    cap_per_citizen: int | None
    cap_total: int | None
    gap_days: int
    min_hours: float
    deadweight: bool
    savings_share_basis: str
    milestone_kinds: dict[str, list[str]] | None
    created_at: datetime
