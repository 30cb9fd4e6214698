"""Monte Carlo simulation requests and results."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator
from pydantic_core import PydanticCustomError

from .contracts import Tariffs


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
                },
                # A Danish social impact bond at the scale the Danish SIBs had (DKK 4-7 million raised
                # for 66-180 citizens, 3 years of delivery, 4 years of repayment): DKK 5.5 million for
                # 120 citizens. The tariffs echo the Finnish Koto-SIB (EUR 1,500 per completed
                # training, about DKK 11,200) with 50 % of the savings shared.
                {
                    "groups": [
                        {
                            "target_group": "integration",
                            "citizens": 120,
                            "placement_probability": 0.4,
                            "monthly_dropout": 0.04,
                            "monthly_benefit": 1232600,
                        }
                    ],
                    "cost_per_citizen": 4583300,
                    "tariffs": {"placement_started": 1120000, "retained_12m": 2000000},
                    "savings_share_percent": 50,
                    "investor_funded": True,
                    "investor_capital": 550000000,
                    "investor_target_irr": 0.05,
                    "programme_months": 36,
                    "horizon_months": 84,
                    "runs": 2000,
                    "seed": 1,
                },
            ]
        },
    )

    rate_card_id: str | None = None
    partnership_id: uuid.UUID | None = Field(
        default=None,
        description=(
            "Start from this partnership: its citizen-course contract's terms and its observed cohort "
            "(citizens enrolled, their benefits, placements already made); `groups` then only give the "
            "assumptions for what is not yet observed, per target group"
        ),
    )
    groups: list[GroupAssumptionsIn] = Field(default_factory=list, max_length=20)
    company_hire_share: float | None = Field(
        default=None,
        ge=0,
        le=1,
        description=(
            "With a partnership that has a company-side contract: the share of placements that are hires "
            "into its company (default: the share observed so far)"
        ),
    )
    cost_per_citizen: int | None = Field(default=None, ge=0, description="Default: the rate card's unit cost")
    cost_per_company: int | None = Field(default=None, ge=0)
    companies: int = Field(default=0, ge=0, le=1000)
    tariffs: Tariffs = Field(default_factory=dict)
    premium_percent: dict[str, float] = Field(default_factory=dict)
    savings_share_percent: float = Field(default=0, ge=0, le=100)
    cap_per_citizen: int | None = Field(default=None, ge=0)
    cap_total: int | None = Field(default=None, ge=0)
    min_hours: float = Field(default=10, ge=0, le=37)
    horizon_months: int = Field(default=36, ge=1, le=120)
    programme_months: int = Field(default=12, ge=1, le=60)
    investor_funded: bool = Field(
        default=False, description="A social impact bond: an investor pays the programme up front and is repaid"
    )
    investor_capital: int | None = Field(
        default=None, ge=0, description="øre the investor puts up front (default: the programme's costs)"
    )
    investor_target_irr: float | None = Field(
        default=None, ge=-1, le=10, description="Annual IRR the investor aims at (0.05 = 5 %)"
    )
    deadweight: bool = False
    runs: int = Field(default=1000, ge=1, le=100_000)
    seed: int = Field(default=0, ge=0)

    @model_validator(mode="after")
    def _a_cohort(self) -> SimulationCreate:
        if not self.groups and self.partnership_id is None:
            raise PydanticCustomError(
                "groups_or_partnership", "give groups, or a partnership_id whose cohort is simulated"
            )
        return self


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
