"""Consent per purpose: the events that record it and the state they leave."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from registry.domain.consent import ConsentAction, ConsentMethod, ConsentPurpose, LegalBasis, Status


class ConsentEventCreate(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"purpose": "matching", "action": "grant", "method": "paper", "occurred_at": "2026-01-10T10:00:00Z"},
                {"purpose": "evaluation", "action": "legal_basis", "legal_basis": "gdpr_6_1_e"},
            ]
        },
    )

    purpose: ConsentPurpose
    action: ConsentAction = Field(description="grant, withdraw, or legal_basis (a basis other than consent)")
    method: ConsentMethod | None = Field(default=None, description="How consent was given or withdrawn")
    witness: str | None = Field(default=None, max_length=200, description="Who witnessed a verbal consent")
    legal_basis: LegalBasis | None = Field(
        default=None, description="With action legal_basis: gdpr_6_1_e, a task carried out in the public interest"
    )
    occurred_at: datetime | None = Field(default=None, description="When the citizen decided (default: now)")


class ConsentEventRead(BaseModel):
    purpose: str
    action: str
    method: str | None
    witness: str | None
    legal_basis: str | None
    recorded_by: str
    occurred_at: datetime
    recorded_at: datetime


class PurposeStateRead(BaseModel):
    status: Status
    since: datetime | None
    basis: str | None


class ConsentRead(BaseModel):
    """The state of every purpose and the history that led to it."""

    citizen_id: UUID
    purposes: dict[str, PurposeStateRead]
    history: list[ConsentEventRead]
