"""Monte Carlo of a cohort (DESIGN §8): municipal net gain, outcome payments, break-even, and a SIB view.

A projection, not an account: it works in whole months and floating point, vectorised over
(runs x citizens) with numpy and seeded so the same request gives the same answer. Simplifications
against the exact engine (documented in docs/economics.md): a month's refusion week is the baseline
week counter; the hours milestone falls 4 months after placement; the savings share is paid on a
month's positive municipal saving of the whole cohort.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from fractions import Fraction

import numpy as np
import numpy.typing as npt

from servicekit.domain_errors import FieldError, ValidationFailed

from .pbr import milestone_payment

FloatArray = npt.NDArray[np.float64]
WEEKS_PER_MONTH = 365.25 / 12 / 7
MILESTONE_OFFSETS = (
    ("placement_started", 0),
    ("retained_3m", 3),
    ("hours_13_of_16", 4),
    ("retained_6m", 6),
    ("retained_12m", 12),
)


@dataclass(frozen=True)
class GroupAssumptions:
    """Per target group: size, chances, hours, benefit (øre/month) and support weeks at enrolment."""

    target_group: str
    citizens: int
    placement_probability: float
    monthly_dropout: float
    monthly_benefit: int
    residual_benefit_share: float = 0.0
    weeks_on_support_at_enrolment: int = 52
    hours_per_week: float = 15.0
    monthly_exit_rate: float = 0.0
    already_placed: int = 0  # observed: this many of the group are placed for certain


@dataclass(frozen=True)
class SimulationInput:
    """A cohort, its programme costs and contract terms, and the run settings."""

    groups: Sequence[GroupAssumptions]
    refusion_bands: Sequence[tuple[int, float]]
    cost_per_citizen: int
    cost_per_company: int = 0
    companies: int = 0
    tariffs: Mapping[str, int] = field(default_factory=dict)
    premium_percent: Mapping[str, float] = field(default_factory=dict)
    savings_share_percent: float = 0.0
    cap_per_citizen: int | None = None
    cap_total: int | None = None
    min_hours: float = 10.0
    horizon_months: int = 36
    programme_months: int = 12
    investor_funded: bool = False
    deadweight: bool = False
    runs: int = 1000
    seed: int = 0
    annual_discount_rate: float = 0.0
    investor_capital: float | None = None
    investor_target_irr: float | None = None
    # A company-side contract: its tariffs are paid for the share of placements that are hires into
    # the partnership's company (expected value per run: the share scales the company's milestones).
    company_tariffs: Mapping[str, int] = field(default_factory=dict)
    company_hire_share: float = 0.0
    company_cap_per_citizen: int | None = None
    company_cap_total: int | None = None


@dataclass(frozen=True)
class Distribution:
    """Summary of a simulated quantity."""

    mean: float
    p5: float
    p50: float
    p95: float

    @classmethod
    def of(cls, values: FloatArray) -> Distribution:
        """Mean and 5/50/95 percentiles of the finite values (NaN when none)."""
        finite = values[np.isfinite(values)]
        if finite.size == 0:
            return cls(float("nan"), float("nan"), float("nan"), float("nan"))
        p5, p50, p95 = np.percentile(finite, [5, 50, 95])
        return cls(float(finite.mean()), float(p5), float(p50), float(p95))


@dataclass(frozen=True)
class MonthlyBand:
    """Per month (index 0 = the programme's first month): mean and 5/50/95 percentiles over runs."""

    mean: list[float]
    p5: list[float]
    p50: list[float]
    p95: list[float]

    @classmethod
    def of(cls, values: FloatArray) -> MonthlyBand:
        """Summarise a (runs, months) array month by month."""
        p5, p50, p95 = np.percentile(values, [5, 50, 95], axis=0)
        return cls(_rounded(values.mean(axis=0)), _rounded(p5), _rounded(p50), _rounded(p95))


@dataclass(frozen=True)
class Flow:
    """One payer-to-payee flow per month, nominal and discounted to the programme's first month."""

    payer: str
    payee: str
    nominal: MonthlyBand
    discounted: MonthlyBand


@dataclass(frozen=True)
class SimulationResult:
    """Distributions over runs; break-even months are 0-based from the programme's first month."""

    runs: int
    municipal_net_gain: Distribution
    outcome_payments: Distribution
    municipal_savings: Distribution
    programme_costs: float
    break_even_month: Distribution
    probability_break_even: float
    probability_economic_gain: float
    investor_irr: Distribution
    probability_investor_loses: float
    probability_investor_below_target: float | None = None
    flows: dict[str, Flow] = field(default_factory=dict)
    cumulative_net: MonthlyBand | None = None


def require_feasible(*, cohort: int, runs: int, max_citizens: int, max_runs: int) -> None:
    """Bound the work of one request: cohort size and runs x citizens (422 naming the field)."""
    if cohort > max_citizens:
        raise ValidationFailed(
            "The cohort is too large.",
            errors=[FieldError("groups", f"at most {max_citizens} citizens in all", "too_large")],
        )
    if runs * cohort > max_runs * 1000:
        raise ValidationFailed(
            "Too many runs for this cohort.",
            errors=[FieldError("runs", "runs x citizens must stay <= 20,000,000", "too_large")],
        )


def simulate(spec: SimulationInput) -> SimulationResult:
    """Run `spec.runs` seeded draws of the cohort and summarise them."""
    rng = np.random.default_rng(spec.seed)
    runs, horizon = spec.runs, spec.horizon_months
    cohort = _Cohort.build(spec)
    size = cohort.size
    placed = rng.random((runs, size)) < cohort.placement_probability
    start_month = rng.integers(0, spec.programme_months, size=(runs, size), dtype=np.int16)
    with np.errstate(divide="ignore"):
        # A tiny drop-out rate draws stays of ~1e9 months, past int32; a stay beyond the horizon
        # counts the same as "never drops out" (horizon + 12), so cap it there before the cast.
        drawn = rng.geometric(np.clip(cohort.dropout, 1e-9, 1.0), size=(runs, size))
        duration = np.where(cohort.dropout > 0, np.minimum(drawn, horizon + 12), horizon + 12).astype(np.int32)
    start = np.where(placed, start_month, horizon).astype(np.int32)
    stop = np.minimum(start + duration, horizon + 12)
    draws = _Draws(placed, start, duration)
    months = np.arange(horizon)
    groups = spec.groups
    group_benefit = np.array([group.monthly_benefit for group in groups], dtype=np.float64)
    group_sizes = np.array([group.citizens for group in groups], dtype=np.float64)
    weeks = np.array([group.weeks_on_support_at_enrolment for group in groups], dtype=np.float64)
    kept = 1.0 - _refusion_share(spec.refusion_bands, weeks[:, None] + months[None, :] * WEEKS_PER_MONTH)
    exit_rate = np.array([group.monthly_exit_rate for group in groups], dtype=np.float64)
    decay = (1.0 - exit_rate[:, None]) ** months[None, :] if spec.deadweight else np.ones((len(groups), horizon))
    residual = np.array([group.residual_benefit_share for group in groups], dtype=np.float64)
    # Saving of a citizen in month m: kept x (baseline - benefit) always, plus kept x benefit x (1 - residual)
    # while employed; citizens of a group are alike, so only the number employed per group and month matters.
    fixed = (group_sizes[:, None] * kept * group_benefit[:, None] * (decay - 1.0)).sum(axis=0)
    per_employed = kept * (group_benefit * (1.0 - residual))[:, None]
    employed = _employed_counts(start, stop, cohort.group, len(groups), horizon)
    savings = fixed[None, :] + np.einsum("rgm,gm->rm", employed, per_employed)
    # The state's part of the same benefit change: the refusion it no longer pays.
    state_fixed = (group_sizes[:, None] * (1.0 - kept) * group_benefit[:, None] * (decay - 1.0)).sum(axis=0)
    state_per_employed = (1.0 - kept) * (group_benefit * (1.0 - residual))[:, None]
    state_savings = state_fixed[None, :] + np.einsum("rgm,gm->rm", employed, state_per_employed)
    payments = _milestone_payments(spec, cohort, draws)
    if spec.savings_share_percent:
        payments += np.maximum(savings, 0.0) * spec.savings_share_percent / 100.0
    if spec.cap_total is not None:
        capped = np.minimum(np.cumsum(payments, axis=1), spec.cap_total)
        payments = np.diff(capped, axis=1, prepend=0.0)
    costs = float(size * spec.cost_per_citizen + spec.companies * spec.cost_per_company)
    company = _company_payments(spec, cohort, draws)
    outlays = payments + company
    if not spec.investor_funded:
        outlays[:, 0] += costs
    net_gain = savings.sum(axis=1) - outlays.sum(axis=1)
    cumulative_savings = np.cumsum(savings, axis=1)
    cumulative_net = cumulative_savings - np.cumsum(outlays, axis=1)
    # Break-even needs something saved: with nothing placed and nothing paid, 0 >= 0 is no break-even.
    reached = (cumulative_net >= 0) & (cumulative_savings > 0)
    ever = reached.any(axis=1)
    break_even = np.where(ever, reached.argmax(axis=1), np.inf).astype(np.float64)
    capital = costs if spec.investor_capital is None else float(spec.investor_capital)
    irr = _investor_irr(payments, capital)
    total_payments = payments.sum(axis=1)
    below_target = None
    if spec.investor_funded and spec.investor_target_irr is not None:
        below_target = float((np.nan_to_num(irr, nan=-1.0) < spec.investor_target_irr).mean())
    return SimulationResult(
        runs=runs,
        municipal_net_gain=Distribution.of(net_gain),
        outcome_payments=Distribution.of(total_payments),
        municipal_savings=Distribution.of(savings.sum(axis=1)),
        programme_costs=costs,
        break_even_month=Distribution.of(break_even),
        probability_break_even=float(ever.mean()),
        probability_economic_gain=float((net_gain > 0).mean()),
        investor_irr=Distribution.of(irr),
        probability_investor_loses=float((total_payments < capital).mean()),
        probability_investor_below_target=below_target,
        flows=_flows(spec, payments, company, state_savings, costs, capital, runs),
        cumulative_net=MonthlyBand.of(cumulative_net),
    )


def _company_payments(spec: SimulationInput, cohort: _Cohort, draws: _Draws) -> FloatArray:
    """What the municipality pays the company per (run, month) under a company-side contract."""
    if not spec.company_tariffs or spec.company_hire_share <= 0:
        return np.zeros((draws.runs, spec.horizon_months))
    terms = replace(
        spec, tariffs=spec.company_tariffs, premium_percent={}, cap_per_citizen=spec.company_cap_per_citizen
    )
    paid = _milestone_payments(terms, cohort, draws) * spec.company_hire_share
    if spec.company_cap_total is not None:
        paid = np.diff(np.minimum(np.cumsum(paid, axis=1), spec.company_cap_total), axis=1, prepend=0.0)
    return paid


def _flows(
    spec: SimulationInput,
    payments: FloatArray,
    company: FloatArray,
    state_savings: FloatArray,
    costs: float,
    capital: float,
    runs: int,
) -> dict[str, Flow]:
    """Who pays whom each month. Programme costs fall in month 0: paid by the municipality, or by the
    investor up front in a social impact bond, whom the municipality then repays from outcome payments."""
    horizon = spec.horizon_months
    factor = (1.0 + spec.annual_discount_rate) ** (-np.arange(horizon) / 12.0)
    upfront = np.zeros((runs, horizon))
    upfront[:, 0] = capital if spec.investor_funded else costs
    named: dict[str, tuple[str, str, FloatArray]] = {}
    if spec.investor_funded:
        named["investor_to_provider"] = ("investor", "provider", upfront)
        named["municipality_to_investor"] = ("municipality", "investor", payments)
    else:
        named["municipality_to_provider"] = ("municipality", "provider", upfront + payments)
    if spec.company_tariffs and spec.company_hire_share > 0:
        named["municipality_to_company"] = ("municipality", "company", company)
    named["state_refusion_change"] = ("state", "municipality", -state_savings)
    return {
        name: Flow(payer, payee, MonthlyBand.of(values), MonthlyBand.of(values * factor[None, :]))
        for name, (payer, payee, values) in named.items()
    }


def _rounded(values: FloatArray) -> list[float]:
    return [round(float(value), 2) for value in values]


@dataclass(frozen=True)
class _Cohort:
    """Per-citizen draws' parameters: each citizen's group, placement chance and monthly drop-out."""

    group: npt.NDArray[np.int64]
    placement_probability: FloatArray
    dropout: FloatArray

    @property
    def size(self) -> int:
        return int(self.group.size)

    @classmethod
    def build(cls, spec: SimulationInput) -> _Cohort:
        sizes = [group.citizens for group in spec.groups]
        probability = np.repeat([group.placement_probability for group in spec.groups], sizes).astype(np.float64)
        first = 0
        for group, size in zip(spec.groups, sizes, strict=True):
            probability[first : first + min(group.already_placed, size)] = 1.0
            first += size
        return cls(
            group=np.repeat(np.arange(len(spec.groups)), sizes),
            placement_probability=probability,
            dropout=np.repeat([group.monthly_dropout for group in spec.groups], sizes),
        )


@dataclass(frozen=True)
class _Draws:
    """One seeded draw of every run: who is placed, in which month, and for how many months."""

    placed: npt.NDArray[np.bool_]
    start: npt.NDArray[np.int32]
    duration: npt.NDArray[np.int32]

    @property
    def runs(self) -> int:
        return int(self.placed.shape[0])


def _employed_counts(
    start: npt.NDArray[np.int32], stop: npt.NDArray[np.int32], group: npt.NDArray[np.int64], groups: int, horizon: int
) -> FloatArray:
    """Citizens employed per (run, group, month): +1 at the start month, -1 at the stop month, summed."""
    runs = start.shape[0]
    width = horizon + 1
    row = (np.arange(runs)[:, None] * groups + group[None, :]) * width
    changes = np.bincount((row + np.minimum(start, horizon)).ravel(), minlength=runs * groups * width)
    changes = changes - np.bincount((row + np.minimum(stop, horizon)).ravel(), minlength=runs * groups * width)
    counts = np.cumsum(changes.reshape(runs, groups, width), axis=2)[:, :, :horizon]
    return counts.astype(np.float64)


def _refusion_share(bands: Sequence[tuple[int, float]], weeks_before: FloatArray) -> FloatArray:
    week = np.floor(weeks_before) + 1
    share = np.zeros_like(week)
    for first_week, percent in sorted(bands):
        share = np.where(week >= first_week, percent / 100.0, share)
    return share


def _milestone_payments(spec: SimulationInput, cohort: _Cohort, draws: _Draws) -> FloatArray:
    """Outcome payments per (run, month).

    Milestones are nested (each needs a longer stay than the one before), so the amount a citizen of a
    group is paid for a milestone after the per-citizen cap is the same for every such citizen: only the
    number of citizens per (run, group, start month, length of stay) is needed.
    """
    horizon, groups, runs = spec.horizon_months, len(spec.groups), draws.runs
    placed, start, duration = draws.placed, draws.start, draws.duration
    thresholds = [max(offset, 1) for _, offset in MILESTONE_OFFSETS]
    stays = np.searchsorted(np.array(sorted(set(thresholds))), duration, side="right")  # stay bucket per citizen
    buckets = len(set(thresholds)) + 1
    months = spec.programme_months + 1
    first = np.where(placed, start, spec.programme_months)
    cell = ((np.arange(runs)[:, None] * groups + cohort.group[None, :]) * months + first) * buckets + stays
    counts = np.bincount(cell.ravel(), minlength=runs * groups * months * buckets).reshape(
        runs, groups, months, buckets
    )
    counts = counts[:, :, : spec.programme_months, :].astype(np.float64)
    totals = np.zeros((runs, horizon))
    for group_index, group in enumerate(spec.groups):
        paid = 0.0
        premium = spec.premium_percent.get(group.target_group, 0.0)
        for (name, offset), threshold in zip(MILESTONE_OFFSETS, thresholds, strict=True):
            tariff = spec.tariffs.get(name)
            if not tariff or (name == "hours_13_of_16" and group.hours_per_week < spec.min_hours):
                continue
            amount = float(milestone_payment(tariff, Fraction(str(premium)) if premium else None))
            if spec.cap_per_citizen is not None:
                amount = min(amount, max(spec.cap_per_citizen - paid, 0.0))
            paid += amount
            reaching = np.searchsorted(np.array(sorted(set(thresholds))), threshold, side="right")
            citizens = counts[:, group_index, :, reaching:].sum(axis=2)  # (runs, start month)
            for month in range(spec.programme_months):
                if month + offset < horizon:
                    totals[:, month + offset] += amount * citizens[:, month]
    return totals


def _investor_irr(payments: FloatArray, costs: float) -> FloatArray:
    """Annual IRR of -costs in month 0 and the outcome payments after, by bisection per run."""
    if costs <= 0:
        return np.full(payments.shape[0], np.nan)
    flows = payments.copy()
    flows[:, 0] -= costs
    low = np.full(flows.shape[0], -0.99)
    high = np.full(flows.shape[0], 1.0)
    for _ in range(50):
        middle = (low + high) / 2
        discount = 1.0 / (1.0 + middle)
        npv = np.zeros(flows.shape[0])
        for month in range(flows.shape[1] - 1, -1, -1):  # Horner: Σ flow_m x^m
            npv = npv * discount + flows[:, month]
        low = np.where(npv > 0, middle, low)
        high = np.where(npv > 0, high, middle)
    monthly = (low + high) / 2
    annual = (1.0 + monthly) ** 12 - 1.0
    return np.where(payments.sum(axis=1) > 0, annual, -1.0)
