"""Citizen request and response models. `national_id` is accepted on writes and never returned."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, SecretStr

from registry.domain.vocabulary import MAX_WEEKLY_HOURS, MIN_WEEKLY_HOURS
from registry.schemas.access_log import AccessLogEntry
from registry.schemas.common import CODE_MAX, REF_PATTERN, Location
from registry.schemas.consent import ConsentEventRead
from registry.schemas.held_exports import HeldByOtherServices
from servicekit.municipalities import MUNICIPALITY_CODE_PATTERN

TargetGroup = Literal[
    "flexjob", "disability_pension", "resource_programme", "cash_benefit", "integration", "sickness_benefit", "other"
]
SkillLevel = Literal["basic", "intermediate", "advanced"]
EXAMPLE: dict[str, Any] = {
    "external_ref": "JC-336-000123",
    "national_id": "0101901234",
    "birth_year": 1990,
    "target_group": "resource_programme",
    "benefit": {"type": "ressourceforloebsydelse", "monthly_amount": 1232600, "currency": "DKK", "since": "2025-03-01"},
    "work_capacity_hours": 12,
    "skills": [{"code": "bb:skill:wash-dishes", "level": "basic"}],
    "support_needs": [{"code": "mentor", "essential": True}, {"code": "x-sign-language"}],
    "interests": ["bb:occupation:kitchen-assistant"],
    "location": {"postcode": "4660", "lat": 55.42, "lon": 12.30},
    "consent": {"matching": True, "given_at": "2026-01-10T10:00:00+01:00"},
}


class Benefit(BaseModel):
    model_config = ConfigDict(extra="forbid")

    type: str = Field(pattern=r"^[a-z][a-z0-9_]{1,63}$", description="Benefit type as named in the country's rate card")
    monthly_amount: int = Field(ge=0, le=100_000_000, description="Minor units (øre, öre) per month")
    currency: Literal["DKK", "SEK"]
    since: date


class CitizenSkill(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: str = Field(min_length=1, max_length=CODE_MAX)
    level: SkillLevel | None = None


class SupportNeed(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: str = Field(min_length=1, max_length=80, description="Core code (mentor, flexible_hours, …) or custom `x-…`")
    essential: bool = False


class Consent(BaseModel):
    model_config = ConfigDict(extra="forbid")

    matching: bool
    given_at: datetime


class CitizenFields(BaseModel):
    """Everything a client may set on a citizen (all optional here; Create makes some required)."""

    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(default=None, max_length=200, description="Personal data: returned to readers, audited")
    birth_year: int | None = Field(default=None, ge=1900, le=2100)
    target_group: TargetGroup | None = None
    benefit: Benefit | None = None
    work_capacity_hours: int | None = Field(default=None, ge=MIN_WEEKLY_HOURS, le=MAX_WEEKLY_HOURS)
    skills: list[CitizenSkill] = Field(default_factory=list, max_length=200)
    support_needs: list[SupportNeed] = Field(default_factory=list, max_length=50)
    interests: list[str] = Field(default_factory=list, max_length=50, description="Occupation codes")
    location: Location | None = None
    consent: Consent | None = None


class CitizenCreate(CitizenFields):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [EXAMPLE]})

    municipality: str | None = Field(default=None, pattern=MUNICIPALITY_CODE_PATTERN)
    external_ref: str = Field(pattern=REF_PATTERN, description="The jobcenter's own reference")
    national_id: SecretStr | None = Field(
        default=None, description="CPR (DK) or personnummer (SE). Write-only: stored pseudonymised and encrypted"
    )
    target_group: TargetGroup


class CitizenUpdate(CitizenFields):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"work_capacity_hours": 15}]})

    national_id: SecretStr | None = None
    skills: list[CitizenSkill] | None = Field(default=None, max_length=200)  # type: ignore[assignment]
    support_needs: list[SupportNeed] | None = Field(default=None, max_length=50)  # type: ignore[assignment]
    interests: list[str] | None = Field(default=None, max_length=50)  # type: ignore[assignment]


class CitizenRead(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    **{k: v for k, v in EXAMPLE.items() if k != "national_id"},
                    "id": "7c2d4e1a-3b5f-4c6d-8e9f-0a1b2c3d4e5f",
                    "name": "Mette Hansen",
                    "municipality": "DK-0336",
                    "has_national_id": True,
                    "created_at": "2026-01-05T09:00:00Z",
                    "updated_at": "2026-01-05T09:00:00Z",
                }
            ]
        }
    )

    id: UUID
    municipality: str
    external_ref: str
    has_national_id: bool
    name: str | None
    birth_year: int | None
    target_group: TargetGroup
    benefit: Benefit | None
    work_capacity_hours: int | None
    skills: list[CitizenSkill]
    support_needs: list[SupportNeed]
    interests: list[str]
    location: Location | None
    consent: Consent | None
    created_at: datetime
    updated_at: datetime


class CitizenExport(BaseModel):
    """Everything the system holds about one citizen (GDPR art. 15/20; admin only)."""

    # An integer, not Literal[1]: openapi-python-client renders an integer const as invalid Python.
    schema_version: int = Field(default=1, ge=1, le=1, description="Version of this document's shape")
    complete: bool = Field(
        description="Whether every service's part is included (false: see `held_by_other_services`, ask again)"
    )
    citizen: CitizenRead
    national_id: str | None
    enrolments: list[dict[str, Any]]
    consent_history: list[ConsentEventRead] = Field(description="Every grant, withdrawal and legal basis recorded")
    access_log: list[AccessLogEntry] = Field(description="Who accessed the data, as GET /access-log shows it")
    audit_events: list[dict[str, Any]]
    held_by_other_services: HeldByOtherServices = Field(
        description="What matching (features, recommendation lists served with model and explanation, caseworker "
        "decisions) and outcomes (enrolments, outcome events, savings lines, payments) hold, each with its status"
    )
