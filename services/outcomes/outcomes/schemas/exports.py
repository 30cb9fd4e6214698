"""GET /internal/v1/citizens/{id}/export: what outcomes holds about a citizen (schema version 1)."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, Field

from .outcome_events import OutcomeEventRead


class EnrolmentHeld(BaseModel):
    """The citizen as outcomes' projection holds them (from the registry's change feed)."""

    municipality: str
    partnership_id: uuid.UUID | None
    enrolled_on: date | None
    target_group: str | None
    birth_year: int | None
    benefit_at_enrolment: dict[str, Any] | None = Field(description="The benefit savings are measured against")
    benefit: dict[str, Any] | None = Field(description="The registry's current benefit, as last seen")
    erased: bool


class SavingsLineHeld(BaseModel):
    """One month of the citizen's savings as evaluations and settlements compute them (øre)."""

    month: str = Field(description="YYYY-MM")
    baseline: int
    actual: int
    gross_saving: int
    municipal_saving: int
    state_saving: int
    rate_card_ids: list[str]


class PaymentHeld(BaseModel):
    """A settlement line based on the citizen (a milestone reached or a share of their savings)."""

    statement_id: uuid.UUID
    status: str
    period_from: date
    period_to: date
    contract_id: uuid.UUID
    name: str = Field(description="Milestone, or savings_share")
    kind: str
    reached_on: date
    amount: int
    currency: str
    reason: str | None
    basis: str | None


class OutcomesExport(BaseModel):
    # An integer, not Literal[1]: openapi-python-client renders an integer const as invalid Python.
    schema_version: int = Field(default=1, ge=1, le=1, description="Version of this document's shape")
    service: Literal["outcomes"] = "outcomes"
    citizen_id: uuid.UUID
    enrolments: list[EnrolmentHeld]
    outcome_events: list[OutcomeEventRead]
    savings_lines: list[SavingsLineHeld]
    payments: list[PaymentHeld]
