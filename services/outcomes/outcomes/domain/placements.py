"""Placements of a citizen, built from placement and hours events."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date

from .calendar import add_months
from .events import OutcomeEvent


@dataclass(frozen=True)
class Placement:
    """A job placement [start, end); `hours` are (from day, contracted hours per week) pairs."""

    organisation_id: str
    opening_id: str | None
    start: date
    end: date | None
    hours: tuple[tuple[date, float], ...] = field(default=())
    kind: str | None = None

    def hours_on(self, day: date) -> float:
        """Contracted hours per week on `day` (0 outside the placement)."""
        if day < self.start or (self.end is not None and day >= self.end):
            return 0.0
        current = 0.0
        for since, hours in self.hours:
            if since <= day:
                current = hours
        return current


def placements(events: Sequence[OutcomeEvent]) -> list[Placement]:
    """Placements from effective events in order; one placement at a time, a new start ends the last."""
    done: list[Placement] = []
    current: Placement | None = None
    for event in events:
        if event.type == "placement_started":
            if current is not None:
                done.append(replace(current, end=event.occurred_on))
            current = Placement(
                organisation_id=str(event.data["organisation_id"]),
                opening_id=(str(event.data["opening_id"]) if event.data.get("opening_id") else None),
                start=event.occurred_on,
                end=None,
                hours=((event.occurred_on, float(event.data["hours_per_week"])),),
                kind=(str(event.data["kind"]) if event.data.get("kind") else None),
            )
        elif event.type == "hours_changed" and current is not None:
            current = replace(current, hours=(*current.hours, (event.occurred_on, float(event.data["hours_per_week"]))))
        elif event.type == "placement_ended" and current is not None:
            done.append(replace(current, end=max(event.occurred_on, current.start)))
            current = None
    if current is not None:
        done.append(current)
    return done


def lasted_3_months(placement: Placement, today: date) -> bool | None:
    """True once three months are observed in the placement, False if it ended sooner, None if too early."""
    target = add_months(placement.start, 3)
    if placement.end is not None and placement.end < target:
        return False
    return True if today >= target else None
