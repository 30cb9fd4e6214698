"""Benchmark the outcomes engines: `python bench/outcomes.py` (prints figures; not a test).

1. Savings after refusion for 460,000 citizens x 36 months (exact integer engine, øre lines).
2. A 10,000-run Monte Carlo of a 1,000-citizen cohort (simulation with the SIB view).
Targets on the reference machine: under 10 s and under 5 s.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from datetime import date
from fractions import Fraction
from pathlib import Path

# This file is named like the package it measures: keep its folder off the import path.
sys.path = [entry for entry in sys.path if Path(entry or ".").resolve() != Path(__file__).resolve().parent]

import numpy as np  # noqa: E402

from outcomes.domain.calendar import months_between  # noqa: E402
from outcomes.domain.refusion import RefusionBand, RefusionStaircase  # noqa: E402
from outcomes.domain.savings import NEVER, PathArrays, monthly_savings  # noqa: E402
from outcomes.domain.simulation import GroupAssumptions, SimulationInput, simulate  # noqa: E402

DANISH = RefusionStaircase(
    [
        RefusionBand(1, Fraction(80)),
        RefusionBand(5, Fraction(40)),
        RefusionBand(27, Fraction(30)),
        RefusionBand(53, Fraction(20)),
    ],
    reset_weeks=52,
)
RATES = np.array([1_232_600, 1_638_200, 794_500, 1_812_000, 2_037_000], dtype=np.int64)


def national_population(citizens: int, seed: int = 1) -> PathArrays:
    """Synthetic citizens: enrolled during 2024, on support 0-3 years before, up to three benefit changes."""
    rng = np.random.default_rng(seed)
    start = date(2024, 1, 1).toordinal()
    enrolled = start + rng.integers(0, 366, citizens)
    since = enrolled - rng.integers(0, 3 * 365, citizens)
    baseline = rng.choice(RATES, citizens)
    # Changes: placement ends the benefit; some lose the job (benefit resumes); some move to a flexjob subsidy.
    first = enrolled + rng.integers(30, 500, citizens)
    second = first + rng.integers(30, 400, citizens)
    third = second + rng.integers(30, 400, citizens)
    days = np.stack([first, second, third], axis=1)
    placed = rng.random(citizens) < 0.45
    width = np.where(placed, rng.integers(1, 4, citizens), 0)
    days = np.where(np.arange(3)[None, :] < width[:, None], days, NEVER)
    costs = np.stack([np.zeros(citizens, dtype=np.int64), baseline, (baseline * 0.6).astype(np.int64)], axis=1)
    return PathArrays(
        enrolled=enrolled.astype(np.int64),
        since=since.astype(np.int64),
        baseline_cost=baseline,
        change_days=days.astype(np.int64),
        change_costs=costs,
        exit_rates=(),
    )


def bench_savings(citizens: int) -> float:
    paths = national_population(citizens)
    months = months_between(date(2024, 1, 1), date(2027, 1, 1))
    started = time.perf_counter()
    lines = monthly_savings(paths, months, DANISH)
    elapsed = time.perf_counter() - started
    print(
        f"savings: {citizens:,} citizens x {len(months)} months = {citizens * len(months):,} monthly lines "
        f"in {elapsed:.2f} s"
    )
    print(
        f"  gross {lines.gross.sum() / 100:,.0f} kr., municipal {lines.municipal.sum() / 100:,.0f} kr., "
        f"state {lines.state.sum() / 100:,.0f} kr."
    )
    return elapsed


def bench_simulation(runs: int, citizens: int) -> float:
    share = citizens // 5
    groups = [
        GroupAssumptions("cash_benefit", share * 2, 0.47, 0.05, 1_232_600, 0.0, 60, 15),
        GroupAssumptions("integration", share, 0.44, 0.04, 1_232_600, 0.0, 30, 20, 0.02),
        GroupAssumptions("resource_programme", share, 0.25, 0.06, 1_638_200, 0.0, 150, 8),
        GroupAssumptions("flexjob", citizens - 4 * share, 0.5, 0.03, 1_812_000, 0.6, 120, 12),
    ]
    spec = SimulationInput(
        groups=groups,
        refusion_bands=[(1, 80.0), (5, 40.0), (27, 30.0), (53, 20.0)],
        cost_per_citizen=3_000_000,
        cost_per_company=10_000_000,
        companies=18,
        tariffs={
            "placement_started": 500_000,
            "retained_3m": 1_000_000,
            "hours_13_of_16": 500_000,
            "retained_12m": 2_000_000,
        },
        premium_percent={"integration": 25.0, "resource_programme": 50.0},
        savings_share_percent=10.0,
        cap_per_citizen=4_000_000,
        runs=runs,
        seed=1,
    )
    started = time.perf_counter()
    result = simulate(spec)
    elapsed = time.perf_counter() - started
    print(f"simulation: {runs:,} runs x {citizens:,} citizens x {spec.horizon_months} months in {elapsed:.2f} s")
    gain = result.municipal_net_gain
    print(
        f"  municipal net gain (kr.): mean {gain.mean / 100:,.0f}, p5 {gain.p5 / 100:,.0f}, "
        f"p50 {gain.p50 / 100:,.0f}, p95 {gain.p95 / 100:,.0f}"
    )
    print(
        f"  break-even month p50 {result.break_even_month.p50}, P(break-even) {result.probability_break_even:.3f}, "
        f"investor IRR p50 {result.investor_irr.p50:.3f}, P(investor loses) {result.probability_investor_loses:.3f}"
    )
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--citizens", type=int, default=460_000)
    parser.add_argument("--runs", type=int, default=10_000)
    parser.add_argument("--cohort", type=int, default=1_000)
    args = parser.parse_args()
    print(
        f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()}, numpy {np.__version__}"
    )
    savings = bench_savings(args.citizens)
    simulation = bench_simulation(args.runs, args.cohort)
    print(
        f"targets: savings < 10 s: {'met' if savings < 10 else 'MISSED'}; "
        f"simulation < 5 s: {'met' if simulation < 5 else 'MISSED'}"
    )


if __name__ == "__main__":
    main()
