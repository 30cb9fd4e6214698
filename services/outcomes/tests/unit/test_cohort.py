"""The simulation's groups from an observed cohort (domain/cohort.py)."""

from __future__ import annotations

from datetime import date

from outcomes.domain.benefits import Benefit
from outcomes.domain.cohort import observed_groups
from outcomes.domain.entitlements import CitizenFacts


def citizen(number: int, amount: int, since: date) -> CitizenFacts:
    return CitizenFacts(f"c{number}", "cash_benefit", date(2025, 3, 1), since, Benefit("kontanthjaelp", amount))


def test_observed_figures_replace_the_assumptions() -> None:
    # The mean benefit is money, rounded half away from zero as every mean of øre is.
    cohort = [citizen(1, 1_232_601, date(2024, 3, 1)), citizen(2, 1_232_602, date(2024, 1, 1))]
    (group,) = observed_groups(cohort, {}, exit_rates={})
    assert group.target_group == "cash_benefit"
    assert group.citizens == 2
    assert group.monthly_benefit == 1_232_602
    assert group.weeks_on_support_at_enrolment == 56  # 52 and 60 weeks on support at enrolment
    assert group.already_placed == 0
    # 1,232,600.5: half away gives 1,232,601 (round() gave 1,232,600, half to even).
    even = [citizen(1, 1_232_600, date(2024, 3, 1)), citizen(2, 1_232_601, date(2024, 3, 1))]
    assert observed_groups(even, {}, exit_rates={})[0].monthly_benefit == 1_232_601
