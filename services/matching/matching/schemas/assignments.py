"""POST /v1/assignments: who should go where, given the seats."""

from __future__ import annotations

import uuid

from pydantic import BaseModel, ConfigDict, Field, model_validator
from pydantic_core import PydanticCustomError

from servicekit.municipalities import MUNICIPALITY_CODE_PATTERN

from .models import ModelRef


class AssignmentRequest(BaseModel):
    """Give exactly one of `municipality` or `partnership_id` (422 `exactly_one` otherwise)."""

    model_config = ConfigDict(extra="forbid")

    municipality: str | None = Field(default=None, pattern=MUNICIPALITY_CODE_PATTERN, examples=["DK-0336"])
    partnership_id: uuid.UUID | None = None
    min_share: dict[str, float] | None = Field(
        default=None,
        description="Minimum share (0-1) of the fillable seats per target group, a constraint of the min-cost flow; "
        "the answer then reports exposure per group and the Gini of seats per opening before and after",
        examples=[{"integration": 0.2}],
    )

    @model_validator(mode="after")
    def _one_scope(self) -> AssignmentRequest:
        if (self.municipality is None) == (self.partnership_id is None):
            raise PydanticCustomError("exactly_one", "give exactly one of municipality or partnership_id")
        if self.min_share is not None and (
            any(not 0 <= v <= 1 for v in self.min_share.values()) or sum(self.min_share.values()) > 1
        ):
            raise ValueError("min_share values are shares between 0 and 1 that add up to at most 1")
        return self


class AssignedSeat(BaseModel):
    citizen_id: uuid.UUID
    opening_id: uuid.UUID
    score: float


class Unassigned(BaseModel):
    citizen_id: uuid.UUID
    reason: str


class GroupSeatsRead(BaseModel):
    target_group: str
    citizens: int
    citizen_share: float
    seats: int
    seat_share: float
    ratio: float | None = Field(description="seat share / citizen share")


class AssignmentExposureRead(BaseModel):
    groups: list[GroupSeatsRead]
    opening_gini: float = Field(description="Gini of seats assigned per opening (0 even, towards 1 congested)")


class FairnessRead(BaseModel):
    min_share: dict[str, float]
    minimum_seats: dict[str, int]
    before: AssignmentExposureRead = Field(description="The assignment without the minimum shares")
    after: AssignmentExposureRead = Field(description="The assignment returned (with them)")
    total_score_before: float


class AssignmentRead(BaseModel):
    municipality: str
    partnership_id: uuid.UUID | None
    assignments: list[AssignedSeat]
    unassigned: list[Unassigned]
    total_score: float
    seats: int
    model: ModelRef
    fairness: FairnessRead | None = None
