"""Outcome events: facts after enrolment; the client's id makes a write idempotent."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from outcomes.domain.events import EventType
from servicekit.batch import MAX_BATCH

OUTCOME_EVENT_EXAMPLE: dict[str, Any] = {
    "id": "jc-0336-2024-000123",
    "citizen_id": "6f1c7d1e-3b0a-4c53-9d4e-2f0a1c9b8e77",
    "type": "placement_started",
    "occurred_on": "2024-04-15",
    "data": {"organisation_id": "0b7e2c55-7d0f-4a8e-9b61-1f3e5d2c4a10", "hours_per_week": 15},
}


class OutcomeEventCreate(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [OUTCOME_EVENT_EXAMPLE]})

    id: str = Field(min_length=1, max_length=200, description="Client-chosen; makes the write idempotent")
    citizen_id: uuid.UUID
    type: EventType
    occurred_on: date
    data: dict[str, Any] = Field(default_factory=dict)
    supersedes: str | None = Field(default=None, min_length=1, max_length=200)


class OutcomeEventRead(BaseModel):
    id: str
    municipality: str
    citizen_id: uuid.UUID
    type: str
    occurred_on: date
    data: dict[str, Any]
    supersedes: str | None
    recorded_at: datetime


class OutcomeEventBatch(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"items": [OUTCOME_EVENT_EXAMPLE]}]},
    )
    items: list[dict[str, Any]] = Field(min_length=1, max_length=MAX_BATCH)
