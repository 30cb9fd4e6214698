"""Milestones (ECONOMICS §4): placement started, retained 3/6/12 months, hours for 13 of 16 weeks."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from .calendar import add_months, iso_week_monday
from .placements import Placement

MILESTONES = ("placement_started", "retained_3m", "retained_6m", "retained_12m", "hours_13_of_16")
RETENTION_MONTHS = {"retained_3m": 3, "retained_6m": 6, "retained_12m": 12}
WINDOW_WEEKS = 16
WEEKS_NEEDED = 13


def known_milestones(tariffs: dict[str, int]) -> dict[str, int]:
    """Tariffs name known milestones and are non-negative øre (raises ValueError otherwise)."""
    unknown = sorted(set(tariffs) - set(MILESTONES))
    if unknown:
        raise ValueError(f"unknown milestone(s) {', '.join(unknown)}; expected {', '.join(MILESTONES)}")
    if any(amount < 0 for amount in tariffs.values()):
        raise ValueError("tariffs are non-negative amounts in øre")
    return tariffs


@dataclass(frozen=True)
class MilestoneRules:
    """Contract parameters for milestones."""

    gap_days: int = 14
    min_hours: float = 10.0


def reached_milestones(
    history: Sequence[Placement],
    *,
    counted_from: date,
    rules: MilestoneRules,
    organisation_id: str | None = None,
) -> dict[str, date]:
    """Each milestone's date for one citizen; only placements starting on/after `counted_from` count.

    With `organisation_id` (the company side) only placements at that organisation count.
    """
    eligible = sorted(
        (
            placement
            for placement in history
            if placement.start >= counted_from
            and (organisation_id is None or placement.organisation_id == organisation_id)
        ),
        key=lambda placement: placement.start,
    )
    if not eligible:
        return {}
    first_start = eligible[0].start
    reached = {"placement_started": first_start}
    covered_until = continuous_until(eligible, gap_days=rules.gap_days)
    for name, months in RETENTION_MONTHS.items():
        target = add_months(first_start, months)
        if covered_until is None or covered_until >= target:
            reached[name] = target
    window_end = hours_window_end(eligible, min_hours=rules.min_hours)
    if window_end is not None:
        reached["hours_13_of_16"] = window_end
    return reached


def continuous_until(ordered: Sequence[Placement], *, gap_days: int) -> date | None:
    """End of the chain of placements from the first, bridging gaps of at most `gap_days` (None: open)."""
    covered_until = ordered[0].end
    for placement in ordered[1:]:
        if covered_until is None:
            return None
        if (placement.start - covered_until).days > gap_days:
            break
        if placement.end is None or placement.end > covered_until:
            covered_until = placement.end
    return covered_until


def hours_window_end(ordered: Sequence[Placement], *, min_hours: float) -> date | None:
    """Last day of the first 16 ISO weeks in which >= 13 weeks had contracted hours >= `min_hours`.

    A week's contracted hours are those in force on its Monday.
    """
    first_monday = iso_week_monday(ordered[0].start)
    last_known = max(
        [placement.start for placement in ordered]
        + [placement.end for placement in ordered if placement.end is not None]
        + [since for placement in ordered for since, _ in placement.hours]
    )
    weeks = (last_known - first_monday).days // 7 + WINDOW_WEEKS + 1
    qualifying = [
        any(placement.hours_on(first_monday + timedelta(weeks=week)) >= min_hours for placement in ordered)
        for week in range(weeks)
    ]
    for start in range(len(qualifying) - WINDOW_WEEKS + 1):
        if sum(qualifying[start : start + WINDOW_WEEKS]) >= WEEKS_NEEDED:
            return first_monday + timedelta(weeks=start + WINDOW_WEEKS) - timedelta(days=1)
    return None
