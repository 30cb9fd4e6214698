"""POST/GET /v1/decisions: a caseworker's decision on a served suggestion, or an opening proposed over the ranking."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Self

from pydantic import BaseModel, ConfigDict, Field, JsonValue, model_validator
from pydantic_core import PydanticCustomError

from matching.domain.personal_data import Decision

DECISION_EXAMPLES: list[JsonValue] = [
    {
        "citizen_id": "7c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f",
        "recommendation_log_id": "1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d",
        "opening_id": "9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a",
        "decision": "rejected",
        "reason_code": "commute",
        "reason_text": "No transport before 7 am.",
    },
    {
        "citizen_id": "7c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f",
        "opening_id": "9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a",
        "decision": "proposed",
    },
]


class DecisionCreate(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": DECISION_EXAMPLES})

    citizen_id: uuid.UUID
    recommendation_log_id: uuid.UUID | None = Field(
        default=None, description="The served list (from GET /v1/recommendations); not for `proposed`"
    )
    opening_id: uuid.UUID
    decision: Decision = Field(description="accepted, rejected, contacted, hired, or proposed (not suggested)")
    reason_code: str | None = Field(default=None, min_length=1, max_length=64, description="Required for rejected")
    reason_text: str | None = Field(default=None, max_length=2000)

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if self.decision == "rejected" and not self.reason_code:
            raise PydanticCustomError("decision_fields", "reason_code is required when the decision is rejected")
        if self.decision == "proposed" and self.recommendation_log_id is not None:
            raise PydanticCustomError(
                "decision_fields", "a proposed opening was not suggested: give no recommendation_log_id"
            )
        if self.decision != "proposed" and self.recommendation_log_id is None:
            raise PydanticCustomError(
                "decision_fields", "recommendation_log_id is required unless the decision is proposed"
            )
        return self


class DecisionRead(BaseModel):
    id: uuid.UUID
    citizen_id: uuid.UUID
    recommendation_log_id: uuid.UUID | None
    opening_id: uuid.UUID
    decision: str
    reason_code: str | None
    reason_text: str | None
    client: str
    client_municipality: str | None
    request_id: str | None
    decided_at: datetime


class DecisionPage(BaseModel):
    items: list[DecisionRead]
    next_cursor: str | None = None
