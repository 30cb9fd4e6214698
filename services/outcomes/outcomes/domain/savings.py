"""Savings engine: baseline vs actual benefit cost per citizen and month, gross, municipal and state saving.

Vectorised over citizens with numpy and exact in integers: within a month every quantity is a sum of
`monthly_cost x days` (denominator days_in_month) or `monthly_cost x kept basis points x days`
(denominator days_in_month x 10,000), so each monthly line is one exact integer division, rounded
half away from zero. Only deadweight ((1 - h)^k) needs Python integers, and only when it is switched on.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from fractions import Fraction

import numpy as np
import numpy.typing as npt

from .calendar import Month
from .money import IntArray, divide_half_away_array
from .refusion import BASIS_POINTS, RefusionStaircase

NEVER = date.max.toordinal()
CHUNK = 4096
LINES = ("baseline", "actual", "gross", "municipal", "state")


@dataclass(frozen=True)
class BenefitPath:
    """One citizen's benefit history from enrolment: the cost at enrolment and dated changes of it.

    `baseline_monthly` is the monthly cost (benefit + wage subsidy) at enrolment; `changes` are
    (from day, new monthly cost) pairs on or after `enrolled_on` (0 = no benefit). `since` is the first
    day of the current support spell (None: not on support at enrolment).
    """

    enrolled_on: date
    since: date | None
    baseline_monthly: int
    changes: tuple[tuple[date, int], ...] = ()
    exit_rate: Fraction = Fraction(0)


@dataclass(frozen=True)
class MonthlySavings:
    """Monthly lines in øre, arrays of shape (citizens, months)."""

    months: tuple[Month, ...]
    baseline: IntArray
    actual: IntArray
    gross: IntArray
    municipal: IntArray
    state: IntArray


@dataclass(frozen=True)
class PathArrays:
    """BenefitPaths as padded arrays (day ordinals), the engine's input."""

    enrolled: IntArray
    since: IntArray
    baseline_cost: IntArray
    change_days: IntArray
    change_costs: IntArray
    exit_rates: tuple[Fraction, ...]

    def slice(self, start: int, stop: int) -> PathArrays:
        """Citizens [start, stop) of these arrays."""
        return PathArrays(
            enrolled=self.enrolled[start:stop],
            since=self.since[start:stop],
            baseline_cost=self.baseline_cost[start:stop],
            change_days=self.change_days[start:stop],
            change_costs=self.change_costs[start:stop],
            exit_rates=self.exit_rates[start:stop],
        )

    @classmethod
    def from_paths(cls, paths: Sequence[BenefitPath]) -> PathArrays:
        """Pack paths; same-day changes keep the last one."""
        width = max((len(path.changes) for path in paths), default=0)
        count = len(paths)
        change_days = np.full((count, width), NEVER, dtype=np.int64)
        change_costs = np.zeros((count, width), dtype=np.int64)
        for row, path in enumerate(paths):
            for column, (day, cost) in enumerate(_last_per_day(path)):
                change_days[row, column] = day.toordinal()
                change_costs[row, column] = cost
        return cls(
            enrolled=np.array([path.enrolled_on.toordinal() for path in paths], dtype=np.int64),
            since=np.array([(path.since or path.enrolled_on).toordinal() for path in paths], dtype=np.int64),
            baseline_cost=np.array([path.baseline_monthly if path.since else 0 for path in paths], dtype=np.int64),
            change_days=change_days,
            change_costs=change_costs,
            exit_rates=tuple(path.exit_rate for path in paths),
        )


def _last_per_day(path: BenefitPath) -> list[tuple[date, int]]:
    by_day: dict[date, int] = {}
    for day, cost in sorted(path.changes, key=lambda change: change[0]):
        if day < path.enrolled_on:
            raise ValueError("a benefit change before enrolment")
        by_day[day] = cost
    return sorted(by_day.items())


def monthly_savings(
    paths: Sequence[BenefitPath] | PathArrays,
    months: Sequence[Month],
    staircase: RefusionStaircase,
    *,
    deadweight: bool = False,
) -> MonthlySavings:
    """Monthly baseline, actual, gross, municipal and state lines for each path (ECONOMICS §2-3)."""
    arrays = paths if isinstance(paths, PathArrays) else PathArrays.from_paths(paths)
    if len(arrays.enrolled) > CHUNK:
        # Cache-sized slices of citizens run several times faster than one pass over all of them.
        parts = [
            _monthly_savings(arrays.slice(start, start + CHUNK), months, staircase, deadweight=deadweight)
            for start in range(0, len(arrays.enrolled), CHUNK)
        ]
        return MonthlySavings(
            tuple(months),
            *(np.concatenate([getattr(part, name) for part in parts]) for name in LINES),
        )
    return _monthly_savings(arrays, months, staircase, deadweight=deadweight)


def _monthly_savings(
    arrays: PathArrays, months: Sequence[Month], staircase: RefusionStaircase, *, deadweight: bool
) -> MonthlySavings:
    # Each line is F(month end) - F(month start) of a cumulative numerator F counted from enrolment, so
    # every quantity is evaluated once at the month boundaries, per benefit segment, as (citizens x
    # boundaries) arrays: no loop over days or months.
    count = len(arrays.enrolled)
    boundaries = sorted({month.first_day.toordinal() for month in months} | {month.end.toordinal() for month in months})
    points = np.array(boundaries, dtype=np.int64)[None, :]
    index = {day: column for column, day in enumerate(boundaries)}
    starts_at = [index[month.first_day.toordinal()] for month in months]
    ends_at = [index[month.end.toordinal()] for month in months]
    enrolled, since, base_cost = arrays.enrolled[:, None], arrays.since[:, None], arrays.baseline_cost[:, None]
    covered_to: IntArray = np.maximum(points, enrolled)
    base_numerator: IntArray = base_cost * (covered_to - enrolled)
    base_kept: IntArray = base_cost * (staircase.kept_sum(covered_to - since) - staircase.kept_sum(enrolled - since))
    actual_numerator, actual_kept = _actual_cumulative(arrays, points, staircase)
    shape = (count, len(months))
    days_in_month = np.array([month.days for month in months], dtype=np.int64)[None, :]

    def line(cumulative: IntArray) -> IntArray:
        difference: IntArray = cumulative[:, ends_at] - cumulative[:, starts_at]
        return difference

    base_line, base_kept_line, actual_kept_line = line(base_numerator), line(base_kept), line(actual_kept)
    if deadweight:
        baseline = deadweight_baseline(arrays, months, base_line)
        municipal = deadweight_municipal(arrays, months, base_kept_line, actual_kept_line)
    else:
        denominator = np.broadcast_to(days_in_month, shape)
        baseline = divide_half_away_array(base_line, denominator)
        municipal = divide_half_away_array(base_kept_line - actual_kept_line, denominator * BASIS_POINTS)
    actual = divide_half_away_array(line(actual_numerator), np.broadcast_to(days_in_month, shape))
    gross = baseline - actual
    return MonthlySavings(tuple(months), baseline, actual, gross, municipal, gross - municipal)


def _actual_cumulative(arrays: PathArrays, points: IntArray, staircase: RefusionStaircase) -> tuple[IntArray, IntArray]:
    """Cumulative actual cost and kept-share numerators from enrolment to each point, segment by segment."""
    count, width = arrays.change_days.shape
    support = arrays.baseline_cost > 0
    # Support days before enrolment: the current spell is taken as unbroken from `since`.
    support_days = np.where(support, arrays.enrolled - arrays.since, 0)
    gap_days = np.where(support, 0, staircase.reset_days)
    starts = np.concatenate([arrays.enrolled[:, None], arrays.change_days], axis=1)
    ends = np.concatenate([arrays.change_days, np.full((count, 1), NEVER, dtype=np.int64)], axis=1)
    costs = np.concatenate([arrays.baseline_cost[:, None], arrays.change_costs], axis=1)
    numerator = np.zeros((count, points.shape[1]), dtype=np.int64)
    kept = np.zeros((count, points.shape[1]), dtype=np.int64)
    for segment in range(width + 1):
        start, cost = starts[:, segment], costs[:, segment]
        length = np.maximum(ends[:, segment] - start, 0)
        if not cost.any():
            gap_days = gap_days + length
            support_days = np.where(gap_days >= staircase.reset_days, 0, support_days)
            continue
        elapsed = np.clip(points - start[:, None], 0, length[:, None])
        numerator += cost[:, None] * elapsed
        paid = cost > 0
        before = staircase.kept_sum(support_days)
        kept += np.where(
            paid[:, None], cost[:, None] * (staircase.kept_sum(support_days[:, None] + elapsed) - before[:, None]), 0
        )
        if segment == width:
            break
        support_days = np.where(paid, support_days + length, support_days)
        gap_days = np.where(paid & (length > 0), 0, gap_days + np.where(paid, 0, length))
        # The count restarts after `refusion_reset_weeks` consecutive weeks without support.
        support_days = np.where(gap_days >= staircase.reset_days, 0, support_days)
    return numerator, kept


def _deadweight_factors(
    arrays: PathArrays, months: Sequence[Month]
) -> list[tuple[npt.NDArray[np.object_], npt.NDArray[np.object_]]]:
    """Per month, each citizen's (1 - h)^k as numerator and denominator arrays (exact Python integers)."""
    enrolment_months = [Month.of(date.fromordinal(int(day))) for day in arrays.enrolled]
    result = []
    for month in months:
        factors = [
            (1 - rate) ** max(month.index_from(start), 0)
            for rate, start in zip(arrays.exit_rates, enrolment_months, strict=True)
        ]
        numerators: npt.NDArray[np.object_] = np.array([factor.numerator for factor in factors], dtype=object)
        denominators: npt.NDArray[np.object_] = np.array([factor.denominator for factor in factors], dtype=object)
        result.append((numerators, denominators))
    return result


def deadweight_baseline(arrays: PathArrays, months: Sequence[Month], base_numerator: IntArray) -> IntArray:
    """Baseline lines x (1 - h)^k from the (citizens x months) numerators over days_in_month."""
    baseline = np.zeros(base_numerator.shape, dtype=np.int64)
    for column, (month, (numerators, denominators)) in enumerate(
        zip(months, _deadweight_factors(arrays, months), strict=True)
    ):
        base: npt.NDArray[np.object_] = base_numerator[:, column].astype(object) * numerators
        baseline[:, column] = divide_half_away_array(base, denominators * month.days).astype(np.int64)
    return baseline


def deadweight_municipal(
    arrays: PathArrays, months: Sequence[Month], base_kept: IntArray, actual_kept: IntArray
) -> IntArray:
    """Municipal lines with the baseline's kept share x (1 - h)^k, from kept-share numerators per month."""
    municipal = np.zeros(base_kept.shape, dtype=np.int64)
    for column, (month, (numerators, denominators)) in enumerate(
        zip(months, _deadweight_factors(arrays, months), strict=True)
    ):
        numerator: npt.NDArray[np.object_] = (
            base_kept[:, column].astype(object) * numerators - actual_kept[:, column].astype(object) * denominators
        )
        municipal[:, column] = divide_half_away_array(numerator, denominators * (month.days * BASIS_POINTS)).astype(
            np.int64
        )
    return municipal
