"""Rules of an enrolment in the citizen course or the company accelerator."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from registry.domain.violations import Violation

# Both programmes run for 12 months; a milestone may fall due a little after (follow-up).
PROGRAMME_MONTHS = 12


@dataclass(frozen=True, slots=True)
class MilestoneDates:
    name: str
    due_on: dt.date
    reached_on: dt.date | None


def participant_violations(*, programme: str, has_citizen: bool, has_organisation: bool) -> list[Violation]:
    """The citizen course enrols a citizen; the company accelerator an organisation."""
    if programme == "citizen_course":
        found = [] if has_citizen else [Violation("citizen_id", "the citizen course enrols a citizen", "missing")]
        if has_organisation:
            found.append(
                Violation("organisation_id", "the citizen course enrols a citizen, not an organisation", "not_allowed")
            )
        return found
    found = (
        []
        if has_organisation
        else [Violation("organisation_id", "the company accelerator enrols an organisation", "missing")]
    )
    if has_citizen:
        found.append(
            Violation("citizen_id", "the company accelerator enrols an organisation, not a citizen", "not_allowed")
        )
    return found


def milestone_violations(
    *, started_on: dt.date, milestones: Sequence[MilestoneDates], today: dt.date
) -> list[Violation]:
    """Milestones are named once, fall due on or after the start, and are reached between start and today."""
    found: list[Violation] = []
    seen: set[str] = set()
    for i, milestone in enumerate(milestones):
        if milestone.name in seen:
            found.append(Violation(f"milestones.{i}.name", "listed more than once", "duplicate"))
        seen.add(milestone.name)
        if milestone.due_on < started_on:
            found.append(Violation(f"milestones.{i}.due_on", "must be on or after started_on", "date_order"))
        if milestone.reached_on is not None and milestone.reached_on < started_on:
            found.append(Violation(f"milestones.{i}.reached_on", "must be on or after started_on", "date_order"))
        if milestone.reached_on is not None and milestone.reached_on > today:
            found.append(Violation(f"milestones.{i}.reached_on", "lies in the future", "future_date"))
    return found
