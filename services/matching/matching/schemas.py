"""Request and response bodies of the matching API."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator


class SkillCredit(BaseModel):
    code: str
    label: str
    essential: bool
    credit: float = Field(description="1 for the skill itself; 0.5 broader/narrower or related; 0.25 sibling")


class MissingSkill(BaseModel):
    code: str
    label: str
    essential: bool


class SupportNeed(BaseModel):
    code: str
    essential: bool


class HoursFit(BaseModel):
    capacity_hours: float
    opening_min_hours: float
    opening_max_hours: float
    fits: bool
    value: float


class Explanation(BaseModel):
    matched_skills: list[SkillCredit]
    missing_skills: list[MissingSkill]
    unmet_support_needs: list[SupportNeed]
    hours_fit: HoursFit
    distance_km: float | None
    contributions: dict[str, float] = Field(description="Each feature's contribution to the score's log-odds")
    features: dict[str, float]


class RecommendationRead(BaseModel):
    citizen_id: uuid.UUID
    opening_id: uuid.UUID
    score: float = Field(ge=0, le=1, description="Estimated chance of a placement that lasts 3 months")
    rank: int
    explanation: Explanation


class ModelRef(BaseModel):
    id: uuid.UUID | None
    name: str


class RecommendationPage(BaseModel):
    items: list[RecommendationRead]
    next_cursor: str | None = None
    model: ModelRef


class GroupExposureRead(BaseModel):
    target_group: str
    citizens: int
    citizen_share: float
    slots: int
    slot_share: float
    ratio: float | None = Field(description="slot share / citizen share; well under 1 means the group is ranked out")


class ExposureRead(BaseModel):
    municipality: str
    openings: int
    citizens: int
    list_length: int
    groups: list[GroupExposureRead]


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


class ModelMetrics(BaseModel):
    auc: float
    brier: float
    precision_at_10: float
    training_rows: int
    validation_rows: int


class ModelRead(BaseModel):
    id: uuid.UUID
    version: int
    kind: str
    metrics: ModelMetrics
    outcomes_used: int
    sklearn_version: str
    active: bool
    created_at: datetime
    activated_at: datetime | None


class ModelPage(BaseModel):
    items: list[ModelRead]
    next_cursor: str | None = None
    active_model: str = Field(description="Name of the model scoring now ('default-weighted' until one is activated)")


class SkillRead(BaseModel):
    code: str
    label: str
    transversal: bool


class SkillPage(BaseModel):
    items: list[SkillRead]
    next_cursor: str | None = None


def model_read(row: Any) -> ModelRead:
    return ModelRead.model_validate(row, from_attributes=True)
