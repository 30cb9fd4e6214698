"""ECONOMICS.md §1-§3 read day by day with exact fractions, independently of the outcomes engine.

Deliberately naive (a loop over every day) so a reader can check it against the text: the
evaluation and the engine's vectorised code must give the same figures to the øre. Where
ECONOMICS.md is silent it follows docs/economics.md ("Choices"): gross = rounded baseline - rounded
actual (1), the spell before enrolment is unbroken from `since` (2), a wage subsidy is a support
day (4).
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any


@dataclass(frozen=True)
class MonthLine:
    gross: int
    municipal: int

    @property
    def state(self) -> int:
        return self.gross - self.municipal


def refusion_share(bands: Sequence[Mapping[str, Any]], week: int) -> Fraction:
    """The state's share for a week of accumulated support (rate card `refusion_bands`)."""
    share = Fraction(0)
    for band in sorted(bands, key=lambda b: int(b["first_week"])):
        if int(band["first_week"]) <= week:
            value = band["share_percent"]
            share = Fraction(str(value["value"] if isinstance(value, Mapping) else value)) / 100
    return share


def round_half_away(value: Fraction) -> int:
    """Whole øre, half away from zero (§1)."""
    magnitude = int(abs(value) + Fraction(1, 2))
    return magnitude if value >= 0 else -magnitude


def monthly_lines(
    *,
    enrolled_on: dt.date,
    since: dt.date,
    baseline_monthly: int,
    changes: Sequence[tuple[dt.date, int]],
    period: tuple[dt.date, dt.date],
    card: Mapping[str, Any],
) -> dict[tuple[int, int], MonthLine]:
    """Per (year, month) of [from, to): gross and municipal saving of one citizen on support since `since`.

    `changes` are (day, monthly cost from that day) in effective order: benefit and wage subsidy
    together, 0 when the benefit ended. Before enrolment the citizen was on support every day.
    """
    bands = card["refusion_bands"]
    reset = card.get("refusion_reset_weeks", 52)
    reset_days = 7 * int(reset["value"] if isinstance(reset, Mapping) else reset)
    start, end = period
    baseline: dict[tuple[int, int], Fraction] = {}
    actual: dict[tuple[int, int], Fraction] = {}
    municipal: dict[tuple[int, int], Fraction] = {}
    actual_support_days = (enrolled_on - since).days
    idle_days = 0
    day = min(start, enrolled_on)
    while day < end:
        key = (day.year, day.month)
        if start <= day:
            baseline.setdefault(key, Fraction(0))
            actual.setdefault(key, Fraction(0))
            municipal.setdefault(key, Fraction(0))
        if day >= enrolled_on:
            cost = baseline_monthly
            for changed_on, monthly in changes:
                if changed_on <= day:
                    cost = monthly
            if cost > 0 and idle_days >= reset_days:
                actual_support_days = 0  # the count restarts after a long enough spell off support
            if start <= day:
                days_in_month = calendar.monthrange(day.year, day.month)[1]
                baseline_day = Fraction(baseline_monthly, days_in_month)
                actual_day = Fraction(cost, days_in_month)
                baseline_kept = 1 - refusion_share(bands, (day - since).days // 7 + 1)
                actual_kept = 1 - refusion_share(bands, actual_support_days // 7 + 1)
                baseline[key] += baseline_day
                actual[key] += actual_day
                municipal[key] += baseline_day * baseline_kept - actual_day * actual_kept
            if cost > 0:
                actual_support_days += 1
                idle_days = 0
            else:
                idle_days += 1
        day += dt.timedelta(days=1)
    return {
        key: MonthLine(round_half_away(baseline[key]) - round_half_away(actual[key]), round_half_away(municipal[key]))
        for key in municipal
    }


def cost_changes(events: Sequence[Mapping[str, Any]]) -> list[tuple[dt.date, int]]:
    """(day, monthly cost from that day) from one citizen's benefit events, in the order they were posted (§2).

    A correction replaces the event it `supersedes`.
    """
    superseded = {item["supersedes"] for item in events if item.get("supersedes")}
    live = [item for item in events if item["id"] not in superseded]
    changes = []
    for item in sorted(live, key=lambda e: str(e["occurred_on"])):  # stable: posting order within a day
        data = item["data"]
        if item["type"] == "benefit_ended":
            cost = 0
        elif item["type"] in ("benefit_changed", "benefit_resumed"):
            cost = int(data["monthly_amount"]) + int(data.get("wage_subsidy") or 0)
        else:
            continue
        changes.append((dt.date.fromisoformat(str(item["occurred_on"])), cost))
    return changes
