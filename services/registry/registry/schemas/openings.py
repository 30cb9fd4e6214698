"""Job opening request and response models."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from registry.domain.vocabulary import MAX_WEEKLY_HOURS, MIN_WEEKLY_HOURS
from registry.schemas.common import CODE_MAX, REF_PATTERN, Location
from servicekit.municipalities import MUNICIPALITY_CODE_PATTERN
from servicekit.strict import QueryBool

OpeningStatus = Literal["open", "filled", "closed"]
EXAMPLE: dict[str, Any] = {
    "external_ref": "JOB-2026-0042",
    "organisation_id": "0b6c2f5e-1d2a-4c1b-9a51-0d6f3f0c2a11",
    "title": "Køkkenmedhjælper, 15 timer",
    "occupation": "bb:occupation:kitchen-assistant",
    "skills": [
        {"code": "bb:skill:wash-dishes", "essential": True},
        {"code": "bb:skill:prepare-vegetables", "essential": False},
    ],
    "hours_per_week": {"min": 8, "max": 15},
    "seats": 2,
    "support_offered": ["mentor", "flexible_hours"],
    "flexjob": True,
    "location": {"postcode": "4660", "lat": 55.42, "lon": 12.30},
    "status": "open",
}


class RequiredSkill(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: str = Field(min_length=1, max_length=CODE_MAX)
    essential: bool = False


class HoursRange(BaseModel):
    model_config = ConfigDict(extra="forbid")

    min: int = Field(ge=MIN_WEEKLY_HOURS, le=MAX_WEEKLY_HOURS)
    max: int = Field(ge=MIN_WEEKLY_HOURS, le=MAX_WEEKLY_HOURS)


class SourceConcept(BaseModel):
    """A concept an imported ad named, and the taxonomy code it maps to (null: unmapped, flagged)."""

    scheme: str = Field(
        examples=["jobtech-occupation"],
        description="jobtech-occupation, ssyk-2012, jobtech-skill, disco-08, star-occupation, jobnet-occupation",
    )
    code: str = Field(examples=["iugg_Qq9_QHH"])
    label: str | None = Field(default=None, examples=["Köksbiträde"])
    role: Literal["occupation", "essential_skill", "optional_skill"]
    weight: int | None = Field(default=None, description="JobTech's weight of a must-have / nice-to-have skill")
    mapped_to: str | None = Field(
        default=None, description="Taxonomy code; null when the loaded taxonomy does not know it"
    )


class OpeningCreate(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [EXAMPLE]})

    municipality: str | None = Field(default=None, pattern=MUNICIPALITY_CODE_PATTERN)
    external_ref: str = Field(pattern=REF_PATTERN, description="The employer's or jobcenter's own reference")
    organisation_id: UUID
    title: str = Field(min_length=1, max_length=200)
    occupation: str = Field(min_length=1, max_length=CODE_MAX, description="Occupation code of the loaded taxonomy")
    skills: list[RequiredSkill] = Field(default_factory=list, max_length=100)
    hours_per_week: HoursRange
    seats: int = Field(default=1, ge=1, le=1000)
    support_offered: list[str] = Field(default_factory=list, max_length=50)
    flexjob: bool = False
    location: Location | None = None
    status: OpeningStatus = "open"


class OpeningUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"status": "filled"}]})

    organisation_id: UUID | None = None
    title: str | None = Field(default=None, min_length=1, max_length=200)
    occupation: str | None = Field(default=None, min_length=1, max_length=CODE_MAX)
    skills: list[RequiredSkill] | None = Field(default=None, max_length=100)
    hours_per_week: HoursRange | None = None
    seats: int | None = Field(default=None, ge=1, le=1000)
    support_offered: list[str] | None = Field(default=None, max_length=50)
    flexjob: bool | None = None
    location: Location | None = None
    status: OpeningStatus | None = None


class OpeningRead(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    **EXAMPLE,
                    "id": "5a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d",
                    "municipality": "DK-0336",
                    "created_at": "2026-01-05T09:00:00Z",
                    "updated_at": "2026-01-05T09:00:00Z",
                }
            ]
        }
    )

    id: UUID
    municipality: str
    external_ref: str
    organisation_id: UUID
    title: str
    occupation: str
    skills: list[RequiredSkill]
    hours_per_week: HoursRange
    seats: int
    support_offered: list[str]
    flexjob: bool
    location: Location | None
    status: OpeningStatus
    source_concepts: list[SourceConcept] = Field(
        default_factory=list, description="Imported ads only: the concepts the ad named (openings:import)"
    )
    unmapped: list[str] = Field(
        default_factory=list,
        description="`scheme:code` of each source concept the loaded taxonomy does not know (flagged, never dropped)",
    )
    valid_through: datetime | None = Field(default=None, description="Imported ads: the last publication date")
    created_at: datetime
    updated_at: datetime


class OpeningFilter(BaseModel):
    """The query of GET /v1/openings: each field given keeps the openings whose column equals it."""

    municipality: str | None = Field(default=None, pattern=MUNICIPALITY_CODE_PATTERN)
    status: OpeningStatus | None = None
    organisation_id: UUID | None = None
    occupation: str | None = Field(default=None, max_length=300)
    flexjob: QueryBool | None = None
