"""GET /v1/recommendations and /v1/recommendations/exposure: ranked, explained pairs; exposure per target group."""

from __future__ import annotations

import uuid

from pydantic import BaseModel, Field

from matching.domain.exposure import GroupExposure
from matching.domain.recommend import Recommendation

from .models import ModelRef


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
    contributions: dict[str, float] = Field(
        description="The scoring model's own terms in log-odds: the intercept and each feature's weight x value. "
        "They add up to logit(score)."
    )
    features: dict[str, float]


class RecommendationRead(BaseModel):
    citizen_id: uuid.UUID
    opening_id: uuid.UUID
    score: float = Field(ge=0, le=1, description="Estimated chance of a placement that lasts 3 months")
    rank: int
    explanation: Explanation
    recommendation_log_id: uuid.UUID | None = Field(
        default=None, description="Where this list is on record for the citizen (decisions reference it)"
    )

    @classmethod
    def from_recommendation(cls, item: Recommendation, log_id: uuid.UUID | None = None) -> RecommendationRead:
        return cls.model_validate(
            {
                "recommendation_log_id": log_id,
                "citizen_id": item.citizen_id,
                "opening_id": item.opening_id,
                "score": item.score,
                "rank": item.rank,
                "explanation": item.explanation.as_dict(),
            }
        )


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

    @classmethod
    def from_exposure(cls, group: GroupExposure) -> GroupExposureRead:
        return cls.model_validate(group, from_attributes=True)


class DecisionCountRead(BaseModel):
    target_group: str
    decision: str
    count: int


class ExposureRead(BaseModel):
    municipality: str
    openings: int
    citizens: int
    list_length: int
    groups: list[GroupExposureRead]
    decisions: list[DecisionCountRead] = Field(
        default_factory=list, description="Caseworkers' decisions recorded in the municipality, per target group"
    )
