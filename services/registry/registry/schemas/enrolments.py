"""Enrolment request and response models (citizen course, company accelerator)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from servicekit.municipalities import MUNICIPALITY_CODE_PATTERN

Programme = Literal["citizen_course", "company_accelerator"]
Phase = Literal["enrolled", "onboarding", "training", "placement", "follow_up", "completed", "dropped_out"]
EXAMPLE: dict[str, Any] = {
    "programme": "citizen_course",
    "citizen_id": "7c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f",
    "partnership_id": "3e9f4a5b-6c7d-4e8f-9a0b-1c2d3e4f5a6b",
    "started_on": "2026-02-01",
    "phase": "training",
    "milestones": [
        {"name": "onboarding_done", "due_on": "2026-03-01", "reached_on": "2026-02-24"},
        {"name": "first_placement", "due_on": "2026-06-01", "reached_on": None},
    ],
}


class Milestone(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(pattern=r"^[a-z][a-z0-9_]{0,63}$")
    due_on: date
    reached_on: date | None = None


class EnrolmentCreate(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [EXAMPLE]})

    municipality: str | None = Field(default=None, pattern=MUNICIPALITY_CODE_PATTERN)
    programme: Programme
    citizen_id: UUID | None = Field(default=None, description="For the citizen course")
    organisation_id: UUID | None = Field(default=None, description="For the company accelerator")
    partnership_id: UUID
    started_on: date
    phase: Phase = "enrolled"
    milestones: list[Milestone] = Field(default_factory=list, max_length=50)


class EnrolmentUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"phase": "placement"}]})

    started_on: date | None = None
    phase: Phase | None = None
    milestones: list[Milestone] | None = Field(default=None, max_length=50)


class EnrolmentRead(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    **EXAMPLE,
                    "id": "9d8c7b6a-5f4e-4d3c-9b2a-1f0e9d8c7b6a",
                    "municipality": "DK-0336",
                    "created_at": "2026-01-05T09:00:00Z",
                    "updated_at": "2026-01-05T09:00:00Z",
                }
            ]
        }
    )

    id: UUID
    municipality: str
    programme: Programme
    # Exactly one is set; the other answers null (optional in the schema because FastAPI drops
    # nulls from published examples).
    citizen_id: UUID | None = None
    organisation_id: UUID | None = None
    partnership_id: UUID
    started_on: date
    phase: Phase
    milestones: list[Milestone]
    created_at: datetime
    updated_at: datetime


class EnrolmentFilter(BaseModel):
    """The query of GET /v1/enrolments: each field given keeps the enrolments whose column equals it."""

    municipality: str | None = Field(default=None, pattern=MUNICIPALITY_CODE_PATTERN)
    partnership_id: UUID | None = None
    programme: Programme | None = None
    phase: Phase | None = None
    citizen_id: UUID | None = None
