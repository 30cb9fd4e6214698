"""Outcome events: facts after enrolment; the client's id makes a write idempotent.

An event is one of seven shapes, told apart by `type` (a discriminated union): each type's
`data` is typed, so a generated client builds the right fields and a wrong one is 422 naming it.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from outcomes.domain.events import MAX_HOURS_PER_WEEK, PlacementKind
from servicekit.batch import MAX_BATCH
from servicekit.strict import NUMBER_ONLY, WHOLE_NUMBER_ONLY, IsoDate

OUTCOME_EVENT_EXAMPLE: dict[str, Any] = {
    "id": "jc-0336-2024-000123",
    "citizen_id": "6f1c7d1e-3b0a-4c53-9d4e-2f0a1c9b8e77",
    "type": "placement_started",
    "occurred_on": "2024-04-15",
    "data": {"organisation_id": "0b7e2c55-7d0f-4a8e-9b61-1f3e5d2c4a10", "hours_per_week": 15, "kind": "flexjob"},
}
Hours = Annotated[float, Field(ge=0, le=MAX_HOURS_PER_WEEK, description="Hours of work per week"), NUMBER_ONLY]
Ore = Annotated[int, Field(ge=0, description="An amount in øre"), WHOLE_NUMBER_ONLY]
Text = Annotated[str, Field(min_length=1, max_length=200)]
Reason = Annotated[str | None, Field(default=None, max_length=200, description="Why, in the sender's words")]


class _Data(BaseModel):
    model_config = ConfigDict(extra="forbid")


class PlacementStartedData(_Data):
    organisation_id: Text = Field(description="The employer (an organisation id of the registry)")
    opening_id: uuid.UUID | None = Field(default=None, description="The opening filled, when known")
    hours_per_week: Hours
    kind: PlacementKind = Field(description="What kind of job; which kinds count is the contract's `milestone_kinds`")


class PlacementEndedData(_Data):
    reason: Reason = None


class HoursChangedData(_Data):
    hours_per_week: Hours


class BenefitChangedData(_Data):
    type: Text = Field(description="The benefit now paid (the rate card's benefit types)")
    monthly_amount: Ore
    wage_subsidy: Ore | None = Field(default=None, description="A wage subsidy paid instead (flexjob), øre a month")


class BenefitEndedData(_Data):
    reason: Reason = None


class BenefitResumedData(_Data):
    type: Text = Field(description="The benefit paid again")
    monthly_amount: Ore


class EducationStartedData(_Data):
    reason: Reason = None


class _EventFields(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: Text = Field(description="Client-chosen; makes the write idempotent")
    citizen_id: uuid.UUID
    occurred_on: IsoDate
    supersedes: Text | None = None


class PlacementStartedEvent(_EventFields):
    model_config = ConfigDict(json_schema_extra={"examples": [OUTCOME_EVENT_EXAMPLE]})

    type: Literal["placement_started"]
    data: PlacementStartedData


class PlacementEndedEvent(_EventFields):
    type: Literal["placement_ended"]
    data: PlacementEndedData = Field(default_factory=PlacementEndedData)


class HoursChangedEvent(_EventFields):
    type: Literal["hours_changed"]
    data: HoursChangedData


class BenefitChangedEvent(_EventFields):
    type: Literal["benefit_changed"]
    data: BenefitChangedData


class BenefitEndedEvent(_EventFields):
    type: Literal["benefit_ended"]
    data: BenefitEndedData = Field(default_factory=BenefitEndedData)


class BenefitResumedEvent(_EventFields):
    type: Literal["benefit_resumed"]
    data: BenefitResumedData


class EducationStartedEvent(_EventFields):
    type: Literal["education_started"]
    data: EducationStartedData = Field(default_factory=EducationStartedData)


OutcomeEventCreate = Annotated[
    PlacementStartedEvent
    | PlacementEndedEvent
    | HoursChangedEvent
    | BenefitChangedEvent
    | BenefitEndedEvent
    | BenefitResumedEvent
    | EducationStartedEvent,
    Field(discriminator="type"),
]


class _Recorded(BaseModel):
    municipality: str
    recorded_at: datetime


class PlacementStartedEventRead(PlacementStartedEvent, _Recorded):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    **OUTCOME_EVENT_EXAMPLE,
                    "municipality": "DK-0336",
                    "supersedes": None,
                    "recorded_at": "2024-04-16T08:00:00Z",
                }
            ]
        }
    )


class PlacementEndedEventRead(PlacementEndedEvent, _Recorded):
    pass


class HoursChangedEventRead(HoursChangedEvent, _Recorded):
    pass


class BenefitChangedEventRead(BenefitChangedEvent, _Recorded):
    pass


class BenefitEndedEventRead(BenefitEndedEvent, _Recorded):
    pass


class BenefitResumedEventRead(BenefitResumedEvent, _Recorded):
    pass


class EducationStartedEventRead(EducationStartedEvent, _Recorded):
    pass


OutcomeEventRead = Annotated[
    PlacementStartedEventRead
    | PlacementEndedEventRead
    | HoursChangedEventRead
    | BenefitChangedEventRead
    | BenefitEndedEventRead
    | BenefitResumedEventRead
    | EducationStartedEventRead,
    Field(discriminator="type"),
]


class OutcomeEventPage(BaseModel):
    """One page of outcome events (servicekit's Page shape, named: its items are a union)."""

    items: list[OutcomeEventRead]
    next_cursor: str | None = None


class OutcomeEventBatch(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"items": [OUTCOME_EVENT_EXAMPLE]}]},
    )
    items: list[OutcomeEventCreate] = Field(
        min_length=1,
        max_length=MAX_BATCH,
        description="Events of any type; a malformed item is 422 for the batch (naming `items.<i>.<field>`), "
        "an item a business rule refuses answers `error` in its place and the rest are recorded",
    )
