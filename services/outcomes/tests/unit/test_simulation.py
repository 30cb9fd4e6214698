from outcomes.domain.simulation import GroupAssumptions, SimulationInput, simulate

GROUPS = [
    GroupAssumptions(
        "cash_benefit",
        60,
        placement_probability=0.45,
        monthly_dropout=0.05,
        monthly_benefit=1_232_600,
        weeks_on_support_at_enrolment=60,
    ),
    GroupAssumptions(
        "flexjob",
        40,
        placement_probability=0.5,
        monthly_dropout=0.03,
        monthly_benefit=1_812_000,
        residual_benefit_share=0.6,
        weeks_on_support_at_enrolment=120,
        hours_per_week=12,
    ),
]


def spec(**overrides: object) -> SimulationInput:
    values: dict[str, object] = {
        "groups": GROUPS,
        "refusion_bands": [(1, 80.0), (5, 40.0), (27, 30.0), (53, 20.0)],
        "cost_per_citizen": 3_000_000,
        "tariffs": {"placement_started": 500_000, "retained_3m": 1_000_000, "retained_12m": 2_000_000},
        "runs": 500,
        "seed": 7,
    }
    values.update(overrides)
    return SimulationInput(**values)  # type: ignore[arg-type]


def test_same_seed_gives_same_distribution() -> None:
    assert simulate(spec()) == simulate(spec())


def test_nobody_placed_means_costs_are_lost_and_investor_loses() -> None:
    groups = [GroupAssumptions("cash_benefit", 10, 0.0, 0.1, 1_000_000)]
    result = simulate(spec(groups=groups))
    assert result.municipal_net_gain.mean == -30_000_000
    assert result.outcome_payments.p95 == 0
    assert result.probability_investor_loses == 1.0
    assert result.investor_irr.p50 == -1.0


def test_everyone_placed_and_kept_pays_tariffs_and_saves() -> None:
    groups = [GroupAssumptions("cash_benefit", 10, 1.0, 0.0, 1_000_000, weeks_on_support_at_enrolment=200)]
    result = simulate(spec(groups=groups, horizon_months=36))
    # Every citizen reaches placement, 3 and 12 months: 3,500,000 each.
    assert result.outcome_payments.mean == 35_000_000
    assert result.probability_break_even == 1.0
    assert 0 <= result.break_even_month.p50 < 36


def test_a_milestone_with_a_premium_is_priced_as_a_statement_prices_it() -> None:
    # 15 øre + 10 % = 16.5: a statement pays 17 (half away from zero, pbr.milestone_payment); numpy's
    # round would pay 16. Everyone placed: 10 citizens x 17.
    groups = [GroupAssumptions("cash_benefit", 10, 1.0, 0.0, 1_000_000, weeks_on_support_at_enrolment=200)]
    result = simulate(
        spec(groups=groups, tariffs={"placement_started": 15}, premium_percent={"cash_benefit": 10.0}, runs=50)
    )
    assert result.outcome_payments.mean == 170


def test_total_cap_limits_payments() -> None:
    result = simulate(spec(cap_total=10_000_000))
    assert result.outcome_payments.p95 <= 10_000_000 + 1e-6


def test_tiny_dropout_rate_counts_as_never_dropping_out() -> None:
    """Found by Schemathesis: a drop-out of 1e-90 drew stays past int32 and the service answered 500."""
    kept = [GroupAssumptions("cash_benefit", 10, 1.0, 0.0, 1_000_000, weeks_on_support_at_enrolment=200)]
    almost = [GroupAssumptions("cash_benefit", 10, 1.0, 1e-90, 1_000_000, weeks_on_support_at_enrolment=200)]
    assert simulate(spec(groups=almost, horizon_months=36)) == simulate(spec(groups=kept, horizon_months=36))


def test_a_cohort_that_never_saves_never_breaks_even() -> None:
    # Nobody placed, the investor pays the programme, no tariffs: 0 >= 0 every month is not a break-even.
    nobody = [
        GroupAssumptions("cash_benefit", 50, placement_probability=0.0, monthly_dropout=0.05, monthly_benefit=1_232_600)
    ]
    result = simulate(spec(groups=nobody, investor_funded=True, tariffs={}, runs=200))
    assert result.probability_break_even == 0.0
    assert result.outcome_payments.mean == 0.0


def test_flows_per_payer_and_month_with_bands_nominal_and_discounted() -> None:
    result = simulate(spec(runs=400, annual_discount_rate=0.04))
    assert set(result.flows) == {"municipality_to_provider", "state_refusion_change"}
    paid = result.flows["municipality_to_provider"]
    assert (paid.payer, paid.payee) == ("municipality", "provider")
    assert len(paid.nominal.mean) == 36
    assert paid.nominal.mean[0] >= 100 * 3_000_000  # the programme is paid in its first month
    assert all(d <= n + 1e-6 for d, n in zip(paid.discounted.mean, paid.nominal.mean, strict=True))
    assert all(
        low <= mid <= high for low, mid, high in zip(paid.nominal.p5, paid.nominal.p50, paid.nominal.p95, strict=True)
    )
    # The state pays less refusion as citizens leave benefits: a negative change.
    assert sum(result.flows["state_refusion_change"].nominal.mean) < 0
    assert result.cumulative_net is not None
    assert result.cumulative_net.p5[-1] <= result.cumulative_net.p95[-1]


def test_a_social_impact_bond_repays_the_investor_from_outcome_payments() -> None:
    result = simulate(spec(runs=400, investor_funded=True, investor_capital=400_000_000, investor_target_irr=0.05))
    assert set(result.flows) == {"investor_to_provider", "municipality_to_investor", "state_refusion_change"}
    assert result.flows["investor_to_provider"].nominal.mean[0] == 400_000_000
    assert result.probability_investor_below_target is not None
    assert result.probability_investor_loses <= result.probability_investor_below_target
