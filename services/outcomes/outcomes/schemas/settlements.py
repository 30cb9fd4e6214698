"""Settlement statements and their lines (amounts in øre)."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from servicekit.strict import FirstOfMonth


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
    period_from: FirstOfMonth = Field(alias="from", description="First day of a month (inclusive)")
    period_to: FirstOfMonth = Field(alias="to", description="First day of a month (exclusive), after `from`")


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
    basis: str | None = Field(default=None, description="Savings-share lines: net or gross")
    rung: str | None = Field(default=None, description="Savings-share lines: the comparison rung that applied")


class SettlementTransitionRead(BaseModel):
    from_status: str | None = Field(description="null: the statement was computed")
    to_status: Literal["draft", "approved", "rejected"]
    actor: str = Field(description="The client that made the transition")
    reason: str | None
    at: datetime


class SettlementApprove(BaseModel):
    """Approve takes an empty object: the approver is the calling client."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{}]})


class SettlementReject(BaseModel):
    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"reason": "Citizen 6f1c… was placed by another provider"}]}
    )

    reason: str = Field(min_length=1, max_length=2000, description="Why the statement is rejected")


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
    status: Literal["draft", "approved", "rejected"] = Field(
        description="draft until a second client with settlements:approve approves or rejects it"
    )
    created_by: str | None = Field(description="The client that computed the statement (the maker)")
    decided_by: str | None = Field(description="The client that approved or rejected it (the checker)")
    decided_at: datetime | None
    decision_reason: str | None
    rate_card_ids: list[str] = Field(
        description="The rate cards that priced the days of the statement (each day with the card valid on it)"
    )
    contract_version: int | None = Field(description="The contract version it was computed with")
    comparison_basis: str | None = Field(
        description=(
            "What savings were measured against: `comparison_group` (net savings, ECONOMICS §7) or "
            "`benefit_at_enrolment[_less_exit_rates]` (gross)"
        )
    )
    history: list[SettlementTransitionRead] = Field(description="Every transition, oldest first (the audit log)")


class SettlementSummary(BaseModel):
    id: uuid.UUID
    status: Literal["draft", "approved", "rejected"]
    contract_id: uuid.UUID
    period_from: date = Field(serialization_alias="from")
    period_to: date = Field(serialization_alias="to")
    currency: str
    total: int
    created_at: datetime
