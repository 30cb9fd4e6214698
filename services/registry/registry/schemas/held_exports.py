"""What matching and outcomes hold about a citizen, as their internal export endpoints answer it.

The top-level fields are each service's fixed contract (schema version 1); the items inside are
kept permissive (`extra="allow"`), so a field a service adds to a recommendation log or a payment
reaches the citizen's export without a registry release. The registry passes them through as sent.
"""

from __future__ import annotations

from typing import Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

HeldStatus = Literal["included", "unavailable", "not_configured"]


class HeldRecord(BaseModel):
    """One record another service holds (a recommendation list, a decision, an outcome event, …)."""

    model_config = ConfigDict(extra="allow", title="HeldRecord")


class MatchingHeldExport(BaseModel):
    """matching's `GET /internal/v1/citizens/{id}/export`."""

    model_config = ConfigDict(extra="allow", title="MatchingHeldExport")

    schema_version: int = Field(ge=1, description="Version of matching's document shape")
    service: Literal["matching"] = "matching"
    citizen_id: UUID
    features: HeldRecord | None = None
    recommendation_logs: list[HeldRecord] = Field(default_factory=list)
    decisions: list[HeldRecord] = Field(default_factory=list)


class OutcomesHeldExport(BaseModel):
    """outcomes' `GET /internal/v1/citizens/{id}/export`."""

    model_config = ConfigDict(extra="allow", title="OutcomesHeldExport")

    schema_version: int = Field(ge=1, description="Version of outcomes' document shape")
    service: Literal["outcomes"] = "outcomes"
    citizen_id: UUID
    enrolments: list[HeldRecord] = Field(default_factory=list)
    outcome_events: list[HeldRecord] = Field(default_factory=list)
    savings_lines: list[HeldRecord] = Field(default_factory=list)
    payments: list[HeldRecord] = Field(default_factory=list)


class MatchingHeld(BaseModel):
    """What matching holds, or why it is missing from this export."""

    service: Literal["matching"] = "matching"
    status: HeldStatus = Field(
        description="`included`: `export` is matching's answer; `unavailable`: matching could not be reached "
        "(ask again later, nothing was left out silently); `not_configured`: this registry knows no matching"
    )
    export: MatchingHeldExport | None = None


class OutcomesHeld(BaseModel):
    """What outcomes holds, or why it is missing from this export."""

    service: Literal["outcomes"] = "outcomes"
    status: HeldStatus = Field(description="As for matching")
    export: OutcomesHeldExport | None = None


class HeldByOtherServices(BaseModel):
    matching: MatchingHeld
    outcomes: OutcomesHeld
