"""The net figures an evaluation adds beside its gross ones (ECONOMICS §6-8, issue 15), and net savings shares.

Takes the §7 comparison of the enrolled citizens in scope, the programme cost lines and the outcome
payments, and shapes what `GET /v1/evaluations` adds: net and unmatched totals, the comparison counts by
rung, counterfactual and net lines per month, costs by payer, per-citizen rung and number of comparisons,
and the §8 forward view.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from fractions import Fraction

import numpy as np

from servicekit.domain_errors import InvalidField

from .calendar import Month
from .comparison import RUNGS, ComparisonResult
from .costs import PAYERS, CostLine, in_force
from .forward import (
    DEFAULT_HORIZON_MONTHS,
    MIN_DRAWS,
    Forward,
    SinceEnrolment,
    cumulative_band,
    forward,
    per_citizen_cost,
)
from .money import round_ore
from .placement_kinds import ATTRIBUTION_KEYS, NOT_PLACED
from .settlement import SAVINGS_SHARE, Entitlement, savings_share_period_day

BASES = ("net", "gross")


@dataclass(frozen=True)
class KindFigures:
    """Results attributed to one placement kind (the kind of each citizen's first placement in the period).

    `citizens`: enrolled citizens attributed; `matched`: of them with a comparison group. Gross and municipal
    cover every attributed citizen; net covers the matched ones (as the evaluation's totals do)."""

    citizens: int = 0
    matched: int = 0
    gross_saving: int = 0
    municipal_saving: int = 0
    net_saving: int = 0
    net_municipal_saving: int = 0


@dataclass(frozen=True)
class NetMonth:
    """One month's counterfactual and net lines, summed over the matched citizens."""

    month: Month
    counterfactual_saving: int
    counterfactual_municipal_saving: int
    net_saving: int
    net_municipal_saving: int
    by_placement_kind: dict[str, KindFigures] = field(default_factory=dict)


@dataclass(frozen=True)
class CitizenMatch:
    """Per enrolled citizen: the rung used (None: unmatched) and the number of comparisons."""

    citizen_id: str
    rung: str | None
    comparisons: int
    gross_saving: int
    municipal_saving: int
    net_saving: int | None
    net_municipal_saving: int | None
    placement_kind: str = NOT_PLACED


@dataclass(frozen=True)
class NetEvaluation:
    """What an evaluation adds (amounts in øre)."""

    net_saving: int
    net_municipal_saving: int
    unmatched_gross_saving: int
    unmatched_municipal_saving: int
    matched: int
    unmatched: int
    by_rung: dict[str, int]
    by_month: list[NetMonth]
    citizens: list[CitizenMatch]
    costs_by_payer: dict[str, int]
    forward: Forward
    rate_card_ids: list[str] = field(default_factory=list)
    cumulative_band: tuple[list[int], list[int]] | None = None
    by_placement_kind: dict[str, KindFigures] = field(default_factory=dict)


def net_evaluation(
    comparison: ComparisonResult,
    *,
    enrolment_months: Sequence[Month],
    cost_lines: Sequence[CostLine],
    outcome_payments: int,
    annual_rate: Fraction,
    rate_card_ids: Sequence[str] = (),
    horizon: int = DEFAULT_HORIZON_MONTHS,
    draws: int = MIN_DRAWS,
    seed: int = 0,
    currency: str = "kr.",
    placement_kinds: Sequence[str] | None = None,
) -> NetEvaluation:
    """Net totals, months, per-citizen matches, costs by payer and the forward view.

    The forward view's net gain subtracts only the municipality's own cost lines and the outcome payments
    (§6); `cost_per_citizen` is those divided by the enrolled citizens in scope (matched or not).
    `placement_kinds`: per citizen (in the comparison's order) the kind its results are attributed to
    (`placement_kinds.attributed_kind`); the figures by kind add up to the totals.
    """
    months = comparison.months
    matched = comparison.matched
    net_gross, net_municipal = comparison.net_gross, comparison.net_municipal
    cf_gross = comparison.counterfactual_gross * matched[:, None]
    cf_municipal = comparison.counterfactual_municipal * matched[:, None]
    by_month = [
        NetMonth(
            month,
            int(cf_gross[:, column].sum()),
            int(cf_municipal[:, column].sum()),
            int(net_gross[:, column].sum()),
            int(net_municipal[:, column].sum()),
        )
        for column, month in enumerate(months)
    ]
    citizens = [
        CitizenMatch(
            citizen_id,
            comparison.rung[row],
            int(comparison.comparisons[row]),
            int(comparison.own_gross[row].sum()),
            int(comparison.own_municipal[row].sum()),
            int(net_gross[row].sum()) if matched[row] else None,
            int(net_municipal[row].sum()) if matched[row] else None,
        )
        for row, citizen_id in enumerate(comparison.citizen_ids)
    ]
    lines = [line for line in in_force(cost_lines) if line.month in set(months)]
    costs = dict.fromkeys(PAYERS, 0)
    for line in lines:
        costs[line.payer] += line.amount
    outlays = costs["municipality"] + outcome_payments
    first = months[0] if months else None
    columns = [month.index_from(first) if first else 0 for month in enrolment_months]
    matched_rows = [row for row in range(len(citizens)) if matched[row]]
    since = SinceEnrolment.align(net_municipal[matched_rows], [columns[row] for row in matched_rows])
    outlook = forward(
        since,
        annual_rate=annual_rate,
        outlays=outlays,
        cost_per_citizen=per_citizen_cost(outlays, len(citizens)),
        horizon=horizon,
        draws=draws,
        seed=seed,
        currency=currency,
    )
    kinds = list(placement_kinds) if placement_kinds is not None else [NOT_PLACED] * len(citizens)
    if len(kinds) == len(citizens):
        citizens = [replace(citizen, placement_kind=kind) for citizen, kind in zip(citizens, kinds, strict=True)]
    totals_by_kind, months_by_kind = _by_kind(comparison, kinds)
    by_month = [
        replace(row, by_placement_kind={kind: columns[column] for kind, columns in months_by_kind.items()})
        for column, row in enumerate(by_month)
    ]
    return NetEvaluation(
        by_placement_kind=totals_by_kind,
        net_saving=int(net_gross.sum()),
        net_municipal_saving=int(net_municipal.sum()),
        unmatched_gross_saving=comparison.unmatched_gross,
        unmatched_municipal_saving=comparison.unmatched_municipal,
        matched=int(matched.sum()),
        unmatched=int((~matched).sum()),
        by_rung=comparison.by_rung(),
        by_month=by_month,
        citizens=citizens,
        costs_by_payer=costs,
        forward=outlook,
        rate_card_ids=list(rate_card_ids),
        cumulative_band=cumulative_band(net_municipal[matched_rows], draws=draws, seed=seed),
    )


def _by_kind(
    comparison: ComparisonResult, kinds: Sequence[str]
) -> tuple[dict[str, KindFigures], dict[str, list[KindFigures]]]:
    """Totals and month columns per attributed kind (every kind of ATTRIBUTION_KEYS, plus any other seen)."""
    if len(kinds) != len(comparison.citizen_ids):
        raise ValueError("one placement kind per citizen")
    names = list(dict.fromkeys([*ATTRIBUTION_KEYS, *kinds]))
    matched = comparison.matched
    lines = (comparison.own_gross, comparison.own_municipal, comparison.net_gross, comparison.net_municipal)
    totals: dict[str, KindFigures] = {}
    months: dict[str, list[KindFigures]] = {}
    labels = np.array(kinds, dtype=object)
    for name in names:
        rows = labels == name if len(kinds) else np.zeros(0, dtype=bool)
        count, paired = int(rows.sum()), int((rows & matched).sum())
        sums = [
            line[rows].sum(axis=0) if len(kinds) else np.zeros(len(comparison.months), dtype=np.int64) for line in lines
        ]
        totals[name] = KindFigures(count, paired, *(int(values.sum()) for values in sums))
        months[name] = [
            KindFigures(count, paired, *(int(values[column]) for values in sums))
            for column in range(len(comparison.months))
        ]
    return totals, months


@dataclass(frozen=True)
class ShareLine:
    """A savings-share entitlement with the basis it was computed on and the comparison rung that applied."""

    entitlement: Entitlement
    basis: str
    rung: str | None


def check_basis(basis: object) -> str:
    """A contract's `savings_share_basis`: `net` (default) or `gross`."""
    if basis is None:
        return "net"
    if basis not in BASES:
        raise InvalidField("savings_share_basis", "savings_share_basis is net or gross")
    return str(basis)


def share_lines(
    *,
    basis: str,
    share_percent: Fraction,
    periods: Sequence[tuple[date, date]],
    contract_end: date,
    months: Sequence[Month],
    citizen_ids: Sequence[str],
    gross_municipal: Mapping[str, Sequence[int]],
    comparison: ComparisonResult | None,
) -> list[ShareLine]:
    """Per citizen and period: share x (net or gross) municipal savings of the period's months, at least 0.

    On the net basis the base is the §7 net municipal line; an unmatched citizen has no net figure, so no
    net share is owed for it (the settlement says so by the absent line; the evaluation counts it).
    """
    column = {month: index for index, month in enumerate(months)}
    rows = {citizen_id: row for row, citizen_id in enumerate(comparison.citizen_ids)} if comparison else {}
    result: list[ShareLine] = []
    for start, end in periods:
        period_columns = [column[month] for month in months if start <= month.first_day < end]
        for citizen_id in citizen_ids:
            rung: str | None = None
            if basis == "net":
                if comparison is None or citizen_id not in rows:
                    continue
                row = rows[citizen_id]
                rung = comparison.rung[row]
                if rung is None:
                    continue
                base = int(comparison.net_municipal[row, period_columns].sum())
            else:
                base = sum(int(gross_municipal[citizen_id][index]) for index in period_columns)
                if comparison is not None and citizen_id in rows:
                    rung = comparison.rung[rows[citizen_id]]
            amount = max(0, round_ore(Fraction(base) * share_percent / 100))
            if amount:
                on = savings_share_period_day(min(end, contract_end))
                result.append(
                    ShareLine(Entitlement(citizen_id, SAVINGS_SHARE, on, amount, period_from=start), basis, rung)
                )
    return result


def rung_names() -> tuple[str, ...]:
    """The rungs in order, for schemas."""
    return RUNGS
