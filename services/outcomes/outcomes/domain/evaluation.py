"""Evaluation: was the programme an economic gain for the municipality (ECONOMICS §6, DESIGN §8)?"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np

from .bootstrap import Band, percentile_band, resampled_weights
from .calendar import Month
from .refusion import RefusionStaircase
from .savings import BenefitPath, MonthlySavings, monthly_savings
from .valuation import break_even_index, present_value, roi


@dataclass(frozen=True)
class EvaluatedCitizen:
    """A citizen in scope of an evaluation, with their benefit path."""

    citizen_id: str
    target_group: str
    partnership_id: str | None
    path: BenefitPath


@dataclass(frozen=True)
class Outlay:
    """A programme cost or an outcome payment in a month; costs others carry are reported, not subtracted."""

    month: Month
    amount: int
    partnership_id: str | None = None
    target_group: str | None = None
    borne_by_municipality: bool = True
    citizen_id: str | None = None


@dataclass
class Totals:
    """Amounts in øre for one slice (whole evaluation, a target group, a partnership)."""

    gross_saving: int = 0
    municipal_saving: int = 0
    state_saving: int = 0
    programme_costs: int = 0
    costs_carried_by_others: int = 0
    outcome_payments: int = 0
    citizens: int = 0

    @property
    def net_gain(self) -> int:
        """Municipal savings - the programme costs the municipality bears - outcome payments."""
        return self.municipal_saving - self.programme_costs - self.outcome_payments

    @property
    def roi(self) -> Fraction | None:
        """Net gain / (costs borne + payments)."""
        return roi(self.net_gain, self.programme_costs + self.outcome_payments)


@dataclass
class MonthRow:
    """One month of the evaluation."""

    month: Month
    gross_saving: int = 0
    municipal_saving: int = 0
    state_saving: int = 0
    programme_costs: int = 0
    outcome_payments: int = 0


@dataclass(frozen=True)
class UncertaintyBand(Band):
    """Bootstrap over citizens: the spread of the net gain had other citizens of the same kind enrolled."""

    probability_economic_gain: float
    resamples: int


def bootstrap_net_gain(
    per_citizen: Sequence[int], shared: int, *, resamples: int = 2000, seed: int = 0
) -> UncertaintyBand | None:
    """`resamples` resamples of the citizens with replacement (seeded, as every band of the evaluation
    is drawn: domain/bootstrap.py); `shared` is the part of the net gain not tied to a citizen."""
    if not per_citizen:
        return None
    values = np.asarray(per_citizen, dtype=np.float64)
    rng = np.random.default_rng(seed)
    totals = np.concatenate([weights @ values for weights in resampled_weights(rng, len(values), resamples)]) + shared
    spread = percentile_band(totals)
    return UncertaintyBand(spread.p5, spread.p50, spread.p95, float((totals > 0).mean()), resamples)


@dataclass
class Evaluation:
    """The answer for a municipality, partnership or the nation over [from, to)."""

    totals: Totals
    by_month: list[MonthRow]
    by_target_group: dict[str, Totals] = field(default_factory=dict)
    by_partnership: dict[str, Totals] = field(default_factory=dict)
    break_even_month: Month | None = None
    net_gain_present_value: int = 0
    uncertainty: UncertaintyBand | None = None

    @property
    def economic_gain(self) -> bool:
        """True when the municipality's net gain is positive."""
        return self.totals.net_gain > 0


def evaluate(
    *,
    citizens: Sequence[EvaluatedCitizen],
    months: Sequence[Month],
    staircase: RefusionStaircase,
    costs: Sequence[Outlay],
    payments: Sequence[Outlay],
    discount_rate: Fraction,
    lines: MonthlySavings | None = None,
) -> Evaluation:
    """Aggregate monthly savings lines, costs and payments into totals, months, target groups, partnerships.

    `lines`: the citizens' monthly lines when already priced (e.g. each day with its rate card)."""
    column = {month: index for index, month in enumerate(months)}
    per_citizen = {citizen.citizen_id: 0 for citizen in citizens}
    shared = 0
    rows = [MonthRow(month) for month in months]
    totals = Totals(citizens=len(citizens))
    by_group: dict[str, Totals] = defaultdict(Totals)
    by_partnership: dict[str, Totals] = defaultdict(Totals)
    if citizens and months:
        if lines is None:
            lines = monthly_savings([citizen.path for citizen in citizens], months, staircase)
        for row, citizen in enumerate(citizens):
            slices = [totals, by_group[citizen.target_group]]
            if citizen.partnership_id:
                slices.append(by_partnership[citizen.partnership_id])
            gross, municipal = int(lines.gross[row].sum()), int(lines.municipal[row].sum())
            per_citizen[citizen.citizen_id] += municipal
            for target in slices[1:]:
                target.citizens += 1
            for target in slices:
                target.gross_saving += gross
                target.municipal_saving += municipal
                target.state_saving += gross - municipal
        for index, month_row in enumerate(rows):
            month_row.gross_saving = int(lines.gross[:, index].sum())
            month_row.municipal_saving = int(lines.municipal[:, index].sum())
            month_row.state_saving = int(lines.state[:, index].sum())
    for outlay, is_cost in [(cost, True) for cost in costs] + [(payment, False) for payment in payments]:
        if outlay.month not in column:
            continue
        slices = [totals]
        if outlay.target_group:
            slices.append(by_group[outlay.target_group])
        if outlay.partnership_id:
            slices.append(by_partnership[outlay.partnership_id])
        for target in slices:
            _add_outlay(target, outlay, is_cost=is_cost)
        if outlay.borne_by_municipality or not is_cost:
            if outlay.citizen_id in per_citizen:
                per_citizen[str(outlay.citizen_id)] -= outlay.amount
            else:
                shared -= outlay.amount
        if is_cost and outlay.borne_by_municipality:
            rows[column[outlay.month]].programme_costs += outlay.amount
        elif not is_cost:
            rows[column[outlay.month]].outcome_payments += outlay.amount
    savings = [row.municipal_saving for row in rows]
    outlays = [row.programme_costs + row.outcome_payments for row in rows]
    break_even = break_even_index(savings, outlays)
    net_by_month = [saving - outlay for saving, outlay in zip(savings, outlays, strict=True)]
    return Evaluation(
        totals=totals,
        by_month=rows,
        by_target_group=dict(by_group),
        by_partnership=dict(by_partnership),
        break_even_month=months[break_even] if break_even is not None else None,
        net_gain_present_value=present_value(net_by_month, discount_rate),
        uncertainty=bootstrap_net_gain(list(per_citizen.values()), shared),
    )


def _add_outlay(target: Totals, outlay: Outlay, *, is_cost: bool) -> None:
    if not is_cost:
        target.outcome_payments += outlay.amount
    elif outlay.borne_by_municipality:
        target.programme_costs += outlay.amount
    else:
        target.costs_carried_by_others += outlay.amount
