"""Outcome events: the facts after enrolment, their validation, and corrections that supersede."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal, get_args

EventType = Literal[
    "placement_started",
    "placement_ended",
    "hours_changed",
    "benefit_changed",
    "benefit_ended",
    "benefit_resumed",
    "education_started",
]
EVENT_TYPES: tuple[str, ...] = get_args(EventType)
MAX_HOURS_PER_WEEK = 37
# placement_started.data.kind (issue 15 §5); domain/placement_kinds.py says which count for milestones.
PlacementKind = Literal["ordinary", "flexjob", "smaajob", "wage_subsidy", "internship", "education"]
PLACEMENT_KINDS: tuple[str, ...] = get_args(PlacementKind)


class InvalidEvent(ValueError):
    """An event whose data breaks a rule; `field` names the offending field."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


@dataclass(frozen=True)
class OutcomeEvent:
    """A fact about a citizen; `sequence` is the order in which the service recorded it."""

    id: str
    citizen_id: str
    type: str
    occurred_on: date
    data: Mapping[str, Any] = field(default_factory=dict)
    supersedes: str | None = None
    sequence: int = 0


def validate_event_data(event_type: str, data: Mapping[str, Any]) -> None:
    """Check the `data` of an event of the given type (DESIGN §6); raises InvalidEvent."""
    if event_type not in EVENT_TYPES:
        raise InvalidEvent("type", f"unknown event type {event_type!r}; expected one of {', '.join(EVENT_TYPES)}")
    if event_type == "placement_started":
        _require_str(data, "organisation_id")
        _require_hours(data)
        if data.get("kind") not in PLACEMENT_KINDS:
            raise InvalidEvent("data.kind", f"kind is required, one of {', '.join(PLACEMENT_KINDS)}")
    elif event_type == "hours_changed":
        _require_hours(data)
    elif event_type in ("benefit_changed", "benefit_resumed"):
        _require_str(data, "type")
        _require_amount(data, "monthly_amount")
        if event_type == "benefit_changed" and data.get("wage_subsidy") is not None:
            _require_amount(data, "wage_subsidy")


def _require_str(data: Mapping[str, Any], name: str) -> None:
    if not isinstance(data.get(name), str) or not data[name]:
        raise InvalidEvent(f"data.{name}", f"{name} is required")


def _require_hours(data: Mapping[str, Any]) -> None:
    hours = data.get("hours_per_week")
    if isinstance(hours, bool) or not isinstance(hours, int | float) or not 0 <= hours <= MAX_HOURS_PER_WEEK:
        raise InvalidEvent("data.hours_per_week", f"hours_per_week must be a number from 0 to {MAX_HOURS_PER_WEEK}")


def _require_amount(data: Mapping[str, Any], name: str) -> None:
    amount = data.get(name)
    if isinstance(amount, bool) or not isinstance(amount, int) or amount < 0:
        raise InvalidEvent(f"data.{name}", f"{name} must be a non-negative integer amount in øre")


def effective_events(events: Iterable[OutcomeEvent]) -> list[OutcomeEvent]:
    """The facts in force: superseded events dropped, the rest by (occurred_on, sequence)."""
    unique = {event.id: event for event in events}
    superseded = {event.supersedes for event in unique.values() if event.supersedes}
    live = [event for event in unique.values() if event.id not in superseded]
    return sorted(live, key=lambda event: (event.occurred_on, event.sequence, event.id))
