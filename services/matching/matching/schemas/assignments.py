"""POST /v1/assignments: who should go where, given the seats."""

from __future__ import annotations

import uuid

from pydantic import BaseModel, ConfigDict, Field, model_validator

from .models import ModelRef


class AssignmentRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    municipality: str | None = Field(default=None, max_length=16, examples=["DK-0336"])
    partnership_id: uuid.UUID | None = None

    @model_validator(mode="after")
    def _one_scope(self) -> AssignmentRequest:
        if (self.municipality is None) == (self.partnership_id is None):
            raise ValueError("give exactly one of municipality or partnership_id")
        return self


class AssignedSeat(BaseModel):
    citizen_id: uuid.UUID
    opening_id: uuid.UUID
    score: float


class Unassigned(BaseModel):
    citizen_id: uuid.UUID
    reason: str


class AssignmentRead(BaseModel):
    municipality: str
    partnership_id: uuid.UUID | None
    assignments: list[AssignedSeat]
    unassigned: list[Unassigned]
    total_score: float
    seats: int
    model: ModelRef
