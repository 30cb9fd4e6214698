"""Settlement statements and their lines (amounts in øre)."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field


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
    basis: str | None = Field(default=None, description="Savings-share lines: net or gross")
    rung: str | None = Field(default=None, description="Savings-share lines: the comparison rung that applied")


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
