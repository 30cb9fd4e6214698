"""Can the savings finance the programme going forward? (ECONOMICS §8)

Inputs are the net municipal lines of the matched citizens (§7), re-indexed by months since each
citizen's enrolment: month k = 0 is the enrolment month. Everything money-like stays in integer øre;
the resampling uses float64 matrix products, which are exact here because every product and partial
sum is an integer far below 2^53 (weights are counts of at most N, lines at most a few million øre).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from servicekit.domain_errors import InvalidField

from .bootstrap import Band, FloatArray, percentile_band, resampled_weights
from .money import IntArray, divide_half_away, divide_half_away_array, round_half_away
from .valuation import monthly_discount_factor

DEFAULT_HORIZON_MONTHS = 36
MIN_DRAWS = 1_000
CARRY_MONTHS = 6


@dataclass(frozen=True)
class Forward:
    """The forward view of an evaluation: the savings curve, what it can fund per citizen, and the odds."""

    horizon_months: int
    observed_months: int
    carried_months: int
    savings_curve: list[int]
    fundable_cost_per_citizen: int | None
    fundable_cost_band: Band | None
    net_municipal_saving: int
    net_municipal_saving_band: Band | None
    probability_net_gain: float | None
    cost_per_citizen: int | None
    draws: int
    seed: int
    answer: str


@dataclass(frozen=True)
class SinceEnrolment:
    """Net municipal lines by month since enrolment: `lines[i, k]` for k < `observed[i]`, zero beyond."""

    lines: IntArray
    observed: IntArray

    @classmethod
    def align(cls, net_lines: IntArray, enrolment_columns: Sequence[int]) -> SinceEnrolment:
        """From calendar-month lines (citizens x months) and each citizen's enrolment month column.

        A citizen is observed from its enrolment month to the last month of the evaluation. Citizens
        enrolled before the first month are aligned from their enrolment month all the same (negative
        columns): their months before the evaluation are not observed and are left out of the curve.
        """
        count, width = net_lines.shape
        columns = np.asarray(enrolment_columns, dtype=np.int64)
        if count == 0:
            return cls(np.zeros((0, 0), dtype=np.int64), np.zeros(0, dtype=np.int64))
        observed = np.maximum(width - columns, 0)
        horizon = int(observed.max())
        source = columns[:, None] + np.arange(horizon)[None, :]
        inside = (source >= 0) & (source < width) & (np.arange(horizon)[None, :] < observed[:, None])
        lines = np.where(inside, np.take_along_axis(net_lines, np.clip(source, 0, max(width - 1, 0)), axis=1), 0)
        # Months before the evaluation's first month are unobserved: only a prefix may count.
        starts_inside = columns >= 0
        observed = np.where(starts_inside, observed, 0)
        lines = np.where(starts_inside[:, None], lines, 0)
        return cls(lines.astype(np.int64), observed.astype(np.int64))


def _discounts(horizon: int, annual_rate: Fraction) -> FloatArray:
    factor = monthly_discount_factor(annual_rate)
    discounts: FloatArray = 1.0 / factor ** np.arange(horizon, dtype=np.float64)
    return discounts


def _fundable(sums: FloatArray, counts: FloatArray, horizon: int, discounts: FloatArray) -> tuple[IntArray, IntArray]:
    """Fundable cost per citizen for each row of curve sums/counts, and its observed months.

    curve_k = sum_k / count_k rounded half away; months from the first with no citizen on carry the mean of
    the last (up to) six observed curve values, rounded half away; PV = Σ_{k<H} curve_k / f^k, rounded once.
    """
    rows, width = sums.shape
    observed = (counts > 0).sum(axis=1).astype(np.int64)
    curve = np.zeros((rows, width), dtype=np.int64)
    positive = counts > 0
    curve[positive] = divide_half_away_array(
        np.rint(sums[positive]).astype(np.int64), np.rint(counts[positive]).astype(np.int64)
    )
    cumulative = np.concatenate([np.zeros((rows, 1), dtype=np.int64), np.cumsum(curve, axis=1)], axis=1)
    last = np.minimum(observed, CARRY_MONTHS)
    tail = cumulative[np.arange(rows), observed] - cumulative[np.arange(rows), observed - last]
    carried = np.where(last > 0, divide_half_away_array(tail, np.maximum(last, 1)), 0)
    k = np.arange(horizon)[None, :]
    padded = np.zeros((rows, horizon), dtype=np.int64)
    keep = min(width, horizon)
    padded[:, :keep] = curve[:, :keep]
    values = np.where(k < observed[:, None], padded, carried[:, None]).astype(np.float64)
    present = round_half_away(values @ discounts)
    return present, np.minimum(observed, horizon)


def fundable_cost(curve: Sequence[int], horizon: int, annual_rate: Fraction) -> int:
    """PV of a savings curve over `horizon` months, carrying the last observed 6-month mean (§8)."""
    sums = np.array([curve], dtype=np.float64)
    present, _ = _fundable(sums, np.ones_like(sums), horizon, _discounts(horizon, annual_rate))
    return int(present[0])


def savings_curve(since: SinceEnrolment) -> list[int]:
    """Mean net municipal saving per matched citizen in month k since enrolment, over those observed that long."""
    width = since.lines.shape[1] if since.lines.ndim == 2 else 0
    observed = np.arange(width)[None, :] < since.observed[:, None]
    counts = observed.sum(axis=0)
    sums = np.where(observed, since.lines, 0).sum(axis=0)
    return [divide_half_away(int(total), int(number)) for total, number in zip(sums, counts, strict=True) if number]


def forward(
    since: SinceEnrolment,
    *,
    annual_rate: Fraction,
    outlays: int,
    cost_per_citizen: int | None,
    horizon: int = DEFAULT_HORIZON_MONTHS,
    draws: int = MIN_DRAWS,
    seed: int = 0,
    currency: str = "kr.",
) -> Forward:
    """The §8 view. `outlays`: the municipality's own programme costs + outcome payments in the evaluation."""
    if horizon < 1:
        raise InvalidField("horizon_months", "the horizon is at least one month")
    if draws < MIN_DRAWS:
        raise InvalidField("draws", f"at least {MIN_DRAWS:,} bootstrap draws")
    citizens = len(since.observed)
    curve = savings_curve(since)
    width = since.lines.shape[1] if citizens else 0
    observed_mask = (np.arange(width)[None, :] < since.observed[:, None]).astype(np.float64)
    lines = np.where(observed_mask > 0, since.lines, 0).astype(np.float64)
    totals = lines.sum(axis=1)
    net_total = int(np.where(observed_mask > 0, since.lines, 0).sum())
    if not curve:
        return Forward(
            horizon, 0, horizon, [], None, None, net_total, None, None, cost_per_citizen, draws, seed,
            answer_sentence(None, None, horizon, cost_per_citizen, currency),
        )  # fmt: skip
    discounts = _discounts(horizon, annual_rate)
    point = fundable_cost(curve, horizon, annual_rate)
    rng = np.random.default_rng(seed)
    fundable_draws: list[IntArray] = []
    total_draws: list[FloatArray] = []
    for weights in resampled_weights(rng, citizens, draws):
        present, _ = _fundable(weights @ lines, weights @ observed_mask, horizon, discounts)
        fundable_draws.append(present)
        total_draws.append(weights @ totals)
    fundable_all = np.concatenate(fundable_draws).astype(np.float64)
    totals_all = np.concatenate(total_draws)
    fundable_band = percentile_band(fundable_all)
    net_band = percentile_band(totals_all)
    probability = float((np.rint(totals_all) - outlays > 0).mean())
    observed_months = min(len(curve), horizon)
    return Forward(
        horizon_months=horizon,
        observed_months=observed_months,
        carried_months=horizon - observed_months,
        savings_curve=curve,
        fundable_cost_per_citizen=point,
        fundable_cost_band=fundable_band,
        net_municipal_saving=net_total,
        net_municipal_saving_band=net_band,
        probability_net_gain=probability,
        cost_per_citizen=cost_per_citizen,
        draws=draws,
        seed=seed,
        answer=answer_sentence(point, fundable_band, horizon, cost_per_citizen, currency),
    )


def per_citizen_cost(outlays: int, citizens: int) -> int | None:
    """The municipality's own costs and payments per enrolled citizen, rounded half away from zero."""
    return divide_half_away(outlays, citizens) if citizens else None


def _kroner(amount: int) -> str:
    return f"{divide_half_away(amount, 100):,}"


def answer_sentence(
    fundable: int | None, band: Band | None, horizon: int, cost_per_citizen: int | None, currency: str = "kr."
) -> str:
    """The sentence a municipality reads (§8)."""
    if fundable is None or band is None:
        return (
            "No enrolled citizen has a comparison group yet, so the savings the programme caused "
            "cannot be estimated and it cannot be said whether it pays for itself."
        )
    interval = f"(90 % interval {_kroner(band.p5)} to {_kroner(band.p95)} {currency})"
    if fundable >= 0:
        saved = f"{_kroner(fundable)} {currency}"
        sentence = f"Each citizen enrolled is expected to save {saved} net over {horizon} months {interval}"
    else:
        # A negative net saving is not a saving: say what it means rather than "save -X kr.".
        sentence = (
            f"Each citizen enrolled is expected to save nothing net over {horizon} months: comparable citizens "
            f"outside the programme saved {_kroner(-fundable)} {currency} more each {interval}"
        )
    if cost_per_citizen is None:
        return sentence + "; no programme cost is recorded, so whether it pays for itself is not known."
    can = fundable >= cost_per_citizen
    sentence += (
        f"; the programme costs {_kroner(cost_per_citizen)} {currency} per citizen; "
        f"it {'can' if can else 'cannot'} pay for itself."
    )
    if band.p5 < cost_per_citizen <= band.p95:
        sentence += " The interval includes the cost, so this is not certain."
    return sentence


def cumulative_band(
    calendar_lines: IntArray, *, draws: int = MIN_DRAWS, seed: int = 0
) -> tuple[list[int], list[int]] | None:
    """5th and 95th percentile, per month, of the cumulative net municipal saving over resampled citizens.

    The same resampling as `forward` (citizens with replacement, seeded), for the chart's band.
    """
    citizens = calendar_lines.shape[0]
    if citizens == 0 or calendar_lines.shape[1] == 0:
        return None
    rng = np.random.default_rng(seed)
    lines = calendar_lines.astype(np.float64)
    totals: list[FloatArray] = [
        np.cumsum(weights @ lines, axis=1) for weights in resampled_weights(rng, citizens, draws)
    ]
    low, high = np.percentile(np.concatenate(totals), [5, 95], axis=0)
    return round_half_away(low).tolist(), round_half_away(high).tolist()
