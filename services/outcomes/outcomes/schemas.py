"""Request and response bodies (the HTTP contract); money is integer øre with a currency."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from outcomes.domain.events import EVENT_TYPES
from outcomes.domain.milestones import MILESTONES

EventType = Literal[
    "placement_started",
    "placement_ended",
    "hours_changed",
    "benefit_changed",
    "benefit_ended",
    "benefit_resumed",
    "education_started",
]
assert set(EventType.__args__) == set(EVENT_TYPES)  # type: ignore[attr-defined]


def known_milestones(tariffs: dict[str, int]) -> dict[str, int]:
    """Tariffs name known milestones and are non-negative øre."""
    unknown = sorted(set(tariffs) - set(MILESTONES))
    if unknown:
        raise ValueError(f"unknown milestone(s) {', '.join(unknown)}; expected {', '.join(MILESTONES)}")
    if any(amount < 0 for amount in tariffs.values()):
        raise ValueError("tariffs are non-negative amounts in øre")
    return tariffs


OUTCOME_EVENT_EXAMPLE: dict[str, Any] = {
    "id": "jc-0336-2024-000123",
    "citizen_id": "6f1c7d1e-3b0a-4c53-9d4e-2f0a1c9b8e77",
    "type": "placement_started",
    "occurred_on": "2024-04-15",
    "data": {"organisation_id": "0b7e2c55-7d0f-4a8e-9b61-1f3e5d2c4a10", "hours_per_week": 15},
}


class OutcomeEventCreate(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [OUTCOME_EVENT_EXAMPLE]})

    id: str = Field(min_length=1, max_length=200, description="Client-chosen; makes the write idempotent")
    citizen_id: uuid.UUID
    type: EventType
    occurred_on: date
    data: dict[str, Any] = Field(default_factory=dict)
    supersedes: str | None = Field(default=None, min_length=1, max_length=200)


class OutcomeEventRead(BaseModel):
    id: str
    municipality: str
    citizen_id: uuid.UUID
    type: str
    occurred_on: date
    data: dict[str, Any]
    supersedes: str | None
    recorded_at: datetime


class BatchItemResult(BaseModel):
    id: str | None
    status: Literal["created", "unchanged", "error"]
    problem: dict[str, Any] | None = None


class OutcomeEventBatch(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"items": [OUTCOME_EVENT_EXAMPLE]}]},
    )
    items: list[dict[str, Any]] = Field(min_length=1, max_length=1000)


class BatchResult(BaseModel):
    items: list[BatchItemResult]


class RateCardRead(BaseModel):
    id: str
    country: str
    year: int
    currency: str
    document: dict[str, Any]


class ContractCreate(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
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
        },
    )

    municipality: str | None = Field(default=None, description="Only for national clients (tenant '*')")
    partnership_id: uuid.UUID
    side: Literal["citizen_course", "company_accelerator"]
    payee_id: uuid.UUID
    company_id: uuid.UUID | None = Field(
        default=None, description="Company side: whose hires count (default: the partnership's company)"
    )
    rate_card_id: str | None = None
    starts_on: date
    ends_on: date
    tariffs: dict[str, int] = Field(description="Milestone → amount in øre")
    premium_percent: dict[str, Decimal] = Field(
        default_factory=dict, description="Target group → percent added to tariffs"
    )
    savings_share_percent: Decimal | None = Field(default=None, ge=0, le=100)
    cap_per_citizen: int | None = Field(default=None, ge=0)
    cap_total: int | None = Field(default=None, ge=0)
    gap_days: int = Field(default=14, ge=0, le=365)
    min_hours: float = Field(default=10, ge=0, le=37)
    deadweight: bool = False

    @field_validator("tariffs")
    @classmethod
    def _known_milestones(cls, tariffs: dict[str, int]) -> dict[str, int]:
        return known_milestones(tariffs)

    @field_validator("premium_percent")
    @classmethod
    def _premium_range(cls, premium: dict[str, Decimal]) -> dict[str, Decimal]:
        if any(not Decimal(-100) <= value <= Decimal(1000) for value in premium.values()):
            raise ValueError("a premium is a percent from -100 to 1000")
        return premium

    @model_validator(mode="after")
    def _period(self) -> ContractCreate:
        if self.ends_on <= self.starts_on:
            raise ValueError("ends_on must be after starts_on")
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
    created_at: datetime


class SettlementCreate(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        populate_by_name=True,
        json_schema_extra={
            "examples": [
                {"contract_id": "5b2a1c0d-9e8f-4a7b-8c6d-5e4f3a2b1c0d", "from": "2024-04-01", "to": "2024-07-01"}
            ]
        },
    )

    contract_id: uuid.UUID
    period_from: date = Field(alias="from", description="First day of a month (inclusive)")
    period_to: date = Field(alias="to", description="First day of a month (exclusive)")


class SettlementLineRead(BaseModel):
    citizen_id: uuid.UUID
    target_group: str | None
    milestone: str
    reached_on: date
    kind: str
    entitled: int
    amount: int
    reason: str | None
    period_from: date | None


class SettlementRead(BaseModel):
    id: uuid.UUID
    municipality: str
    contract_id: uuid.UUID
    period_from: date = Field(serialization_alias="from")
    period_to: date = Field(serialization_alias="to")
    currency: str
    total: int
    lines: list[SettlementLineRead]
    created_at: datetime


class SettlementSummary(BaseModel):
    id: uuid.UUID
    contract_id: uuid.UUID
    period_from: date = Field(serialization_alias="from")
    period_to: date = Field(serialization_alias="to")
    currency: str
    total: int
    created_at: datetime


class GroupAssumptionsIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    target_group: str
    citizens: int = Field(ge=1, le=5000)
    placement_probability: float = Field(ge=0, le=1)
    monthly_dropout: float = Field(ge=0, le=1, description="Monthly chance of losing the job after placement")
    monthly_benefit: int = Field(ge=0, description="øre per month")
    residual_benefit_share: float = Field(
        default=0.0, ge=0, le=1, description="Share still paid while placed (flexjob subsidy)"
    )
    weeks_on_support_at_enrolment: int = Field(default=52, ge=0, le=2000)
    hours_per_week: float = Field(default=15, ge=0, le=37)
    monthly_exit_rate: float = Field(default=0.0, ge=0, le=1)


class SimulationCreate(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "groups": [
                        {
                            "target_group": "cash_benefit",
                            "citizens": 60,
                            "placement_probability": 0.45,
                            "monthly_dropout": 0.05,
                            "monthly_benefit": 1232600,
                        },
                        {
                            "target_group": "flexjob",
                            "citizens": 40,
                            "placement_probability": 0.5,
                            "monthly_dropout": 0.03,
                            "monthly_benefit": 1812000,
                            "residual_benefit_share": 0.6,
                        },
                    ],
                    "companies": 18,
                    "tariffs": {"placement_started": 500000, "retained_3m": 1000000, "retained_12m": 2000000},
                    "savings_share_percent": 10,
                    "runs": 2000,
                    "seed": 1,
                }
            ]
        },
    )

    rate_card_id: str | None = None
    groups: list[GroupAssumptionsIn] = Field(min_length=1, max_length=20)
    cost_per_citizen: int | None = Field(default=None, ge=0, description="Default: the rate card's unit cost")
    cost_per_company: int | None = Field(default=None, ge=0)
    companies: int = Field(default=0, ge=0, le=1000)
    tariffs: dict[str, int] = Field(default_factory=dict)
    premium_percent: dict[str, float] = Field(default_factory=dict)
    savings_share_percent: float = Field(default=0, ge=0, le=100)
    cap_per_citizen: int | None = Field(default=None, ge=0)
    cap_total: int | None = Field(default=None, ge=0)
    min_hours: float = Field(default=10, ge=0, le=37)
    horizon_months: int = Field(default=36, ge=1, le=120)
    programme_months: int = Field(default=12, ge=1, le=60)
    investor_funded: bool = False
    deadweight: bool = False
    runs: int = Field(default=1000, ge=1, le=20000)
    seed: int = Field(default=0, ge=0)

    @field_validator("tariffs")
    @classmethod
    def _known_milestones(cls, tariffs: dict[str, int]) -> dict[str, int]:
        return known_milestones(tariffs)


class DistributionRead(BaseModel):
    mean: float | None
    p5: float | None
    p50: float | None
    p95: float | None


class SimulationRead(BaseModel):
    id: uuid.UUID
    municipality: str
    request: dict[str, Any]
    result: dict[str, Any]
    created_at: datetime


class MonthRead(BaseModel):
    month: str
    gross_saving: int
    municipal_saving: int
    state_saving: int
    programme_costs: int
    outcome_payments: int


class SliceRead(BaseModel):
    citizens: int
    gross_saving: int
    municipal_saving: int
    state_saving: int
    programme_costs: int
    costs_carried_by_others: int
    outcome_payments: int
    net_gain: int
    roi: float | None


class UncertaintyRead(BaseModel):
    method: str = "bootstrap over citizens (2,000 seeded resamples)"
    net_gain_p5: int
    net_gain_p50: int
    net_gain_p95: int
    probability_economic_gain: float


class EvaluationRead(BaseModel):
    scope: dict[str, Any]
    currency: str
    rate_card_id: str
    gross_saving: int
    municipal_saving: int
    state_saving: int
    programme_costs: int
    costs_carried_by_others: int
    outcome_payments: int
    net_gain: int
    net_gain_present_value: int
    roi: float | None
    break_even_month: str | None
    economic_gain: bool
    uncertainty: UncertaintyRead | None
    by_month: list[MonthRead]
    by_target_group: dict[str, SliceRead]
    by_partnership: dict[str, SliceRead]


class PlacementOutcome(BaseModel):
    citizen_id: uuid.UUID
    opening_id: str | None
    organisation_id: str
    municipality: str
    started_on: date
    ended_on: date | None
    lasted_3_months: bool | None


class PlacementOutcomePage(BaseModel):
    items: list[PlacementOutcome]
    next_cursor: str | None
