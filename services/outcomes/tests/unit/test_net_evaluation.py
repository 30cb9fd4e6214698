"""The net figures of an evaluation and net savings shares, on the hand-computed cases of test_comparison."""

from __future__ import annotations

from datetime import date
from fractions import Fraction

import pytest

from outcomes.domain.benefits import Benefit
from outcomes.domain.calendar import Month
from outcomes.domain.comparison import ComparisonResult, build_pool, compare, staircase_pricer
from outcomes.domain.costs import CostLine
from outcomes.domain.net_evaluation import check_basis, net_evaluation, share_lines
from outcomes.domain.refusion import RefusionStaircase
from servicekit.domain_errors import InvalidField

from .test_comparison import MONTHS, TO, ended, enrolled_citizen, pool_citizen


def result(staircase: RefusionStaircase) -> ComparisonResult:
    """A (exact rung, 5 comparisons; net gross 0 / 394,127 / 539,560, net municipal 0 / 236,476 / 323,736) and
    E (unmatched: ressourceforløbsydelse; own gross May 1,232,600, municipal 739,560)."""
    pool = build_pool(
        [
            pool_citizen("P1"),
            pool_citizen("P2", events=(ended("P2", date(2024, 5, 1)),)),
            pool_citizen(
                "P3", benefit=Benefit("kontanthjaelp_30plus", 1_000_000), events=(ended("P3", date(2024, 4, 10)),)
            ),
            pool_citizen(
                "R", since=date(2022, 1, 1), events=(ended("R", date(2023, 6, 1), 1), ended("R", date(2024, 4, 16), 3))
            ),
            pool_citizen("P13", course_enrolled_on=TO),
        ],
        TO,
    )
    a = enrolled_citizen("A", events=(ended("A", date(2024, 4, 15)),))
    e = enrolled_citizen(
        "E", benefit=Benefit("ressourceforloebsydelse", 1_232_600), events=(ended("E", date(2024, 5, 1)),)
    )
    return compare([a, e], pool, MONTHS, staircase_pricer(staircase), min_comparisons=2)


def test_net_totals_months_costs_and_forward(staircase: RefusionStaircase) -> None:
    comparison = result(staircase)
    assert comparison.rung == ("exact", None)
    lines = [
        CostLine("c1", "p", "citizen_course", "mentor", 100_000, Month(2024, 3), "municipality", sequence=1),
        CostLine("c2", "p", "citizen_course", "course_delivery", 2_600_000, Month(2024, 4), "eu_grant", sequence=2),
        CostLine("c3", "p", "citizen_course", "mentor", 120_000, Month(2024, 3), "municipality", "c1", sequence=3),
        CostLine("c4", "p", "citizen_course", "mentor", 999, Month(2025, 1), "municipality", sequence=4),
    ]
    net = net_evaluation(
        comparison,
        enrolment_months=[Month(2024, 3), Month(2024, 3)],
        cost_lines=lines,
        outcome_payments=80_000,
        annual_rate=Fraction(35, 1000),
        rate_card_ids=["DK-2024"],
        horizon=3,
    )
    # R has no resumption here: since 2022 (spell band >= 2 years) and off benefit on D: not a comparison.
    # A's comparisons: P1, P2, P3, P13 (4): gross April (0 + 0 + 700,000 + 0) / 4 = 175,000,
    # May (0 + 1,232,600 + 1,000,000 + 0) / 4 = 558,150; municipal April 420,000 / 4 = 105,000,
    # May (739,560 + 600,000) / 4 = 334,890.
    assert comparison.comparisons.tolist() == [4, 0]
    assert [row.counterfactual_saving for row in net.by_month] == [0, 175_000, 558_150]
    assert [row.counterfactual_municipal_saving for row in net.by_month] == [0, 105_000, 334_890]
    assert [row.net_saving for row in net.by_month] == [0, 657_387 - 175_000, 1_232_600 - 558_150]
    assert [row.net_municipal_saving for row in net.by_month] == [0, 394_432 - 105_000, 739_560 - 334_890]
    assert net.net_saving == 482_387 + 674_450
    assert net.net_municipal_saving == 289_432 + 404_670
    assert (net.unmatched_gross_saving, net.unmatched_municipal_saving) == (1_232_600, 739_560)
    assert (net.matched, net.unmatched) == (1, 1)
    assert net.by_rung == {"exact": 1, "without_age": 0, "country": 0}
    assert net.costs_by_payer["municipality"] == 120_000  # the correction only; 2025 is outside
    assert net.costs_by_payer["eu_grant"] == 2_600_000
    assert [(c.citizen_id, c.rung, c.comparisons) for c in net.citizens] == [("A", "exact", 4), ("E", None, 0)]
    # Forward: one matched citizen enrolled in March: curve = its net municipal lines 0, 289,432, 404,670.
    assert net.forward.savings_curve == [0, 289_432, 404_670]
    assert net.forward.cost_per_citizen == (120_000 + 80_000) // 2
    assert net.forward.probability_net_gain == 1.0
    assert net.rate_card_ids == ["DK-2024"]


def test_net_and_gross_savings_share(staircase: RefusionStaircase) -> None:
    comparison = result(staircase)
    common = {
        "share_percent": Fraction(10),
        "periods": [(date(2024, 3, 1), date(2024, 6, 1))],
        "contract_end": date(2025, 1, 1),
        "months": list(MONTHS),
        "citizen_ids": ["A", "E"],
        "gross_municipal": {"A": [0, 394_432, 739_560], "E": [0, 0, 739_560]},
        "comparison": comparison,
    }
    net = share_lines(basis="net", **common)  # type: ignore[arg-type]
    assert [(s.entitlement.citizen_id, s.entitlement.amount, s.basis, s.rung) for s in net] == [
        ("A", 69_410, "net", "exact")  # 10 % x (289,432 + 404,670) = 69,410.2
    ]
    gross = share_lines(basis="gross", **common)  # type: ignore[arg-type]
    assert [(s.entitlement.citizen_id, s.entitlement.amount, s.basis, s.rung) for s in gross] == [
        ("A", 113_399, "gross", "exact"),  # 10 % x 1,133,992 = 113,399.2
        ("E", 73_956, "gross", None),
    ]
    assert net[0].entitlement.on == date(2024, 5, 31)


def test_basis() -> None:
    assert check_basis(None) == "net"
    assert check_basis("gross") == "gross"
    with pytest.raises(InvalidField, match="savings_share_basis"):
        check_basis("both")


def test_results_by_placement_kind(staircase: RefusionStaircase) -> None:
    """A (matched) placed first in a wage-subsidy job, E (unmatched) in an internship: each citizen's figures
    go to the kind of its first placement; the kinds add up to the totals; net counts matched citizens only."""
    comparison = result(staircase)
    net = net_evaluation(
        comparison,
        enrolment_months=[Month(2024, 3), Month(2024, 3)],
        cost_lines=[],
        outcome_payments=0,
        annual_rate=Fraction(35, 1000),
        horizon=3,
        placement_kinds=["wage_subsidy", "internship"],
    )
    wage = net.by_placement_kind["wage_subsidy"]
    assert (wage.citizens, wage.matched) == (1, 1)
    assert (wage.gross_saving, wage.municipal_saving) == (657_387 + 1_232_600, 394_432 + 739_560)
    assert (wage.net_saving, wage.net_municipal_saving) == (net.net_saving, net.net_municipal_saving)
    internship = net.by_placement_kind["internship"]
    assert (internship.citizens, internship.matched, internship.gross_saving) == (1, 0, 1_232_600)
    assert (internship.net_saving, internship.net_municipal_saving) == (0, 0)
    assert net.by_placement_kind["not_placed"].citizens == 0
    assert [citizen.placement_kind for citizen in net.citizens] == ["wage_subsidy", "internship"]
    assert sum(kind.gross_saving for kind in net.by_placement_kind.values()) == int(comparison.own_gross.sum())
    may = net.by_month[2].by_placement_kind
    assert (may["wage_subsidy"].gross_saving, may["internship"].gross_saving) == (1_232_600, 1_232_600)
    with pytest.raises(ValueError, match="one placement kind per citizen"):
        net_evaluation(
            comparison,
            enrolment_months=[Month(2024, 3), Month(2024, 3)],
            cost_lines=[],
            outcome_payments=0,
            annual_rate=Fraction(35, 1000),
            placement_kinds=["ordinary"],
        )


def test_attributed_kind_is_the_first_placement_in_the_period() -> None:
    from outcomes.domain.events import OutcomeEvent
    from outcomes.domain.placement_kinds import attributed_kind

    def started(on: date, kind: str | None, n: int) -> OutcomeEvent:
        data = {"organisation_id": "o", "hours_per_week": 30} | ({"kind": kind} if kind else {})
        return OutcomeEvent(f"s{n}", "c", "placement_started", on, data, sequence=n)

    enrolled, to = date(2024, 3, 1), date(2024, 6, 1)
    before = started(date(2024, 2, 1), "ordinary", 1)  # before enrolment: not §4's first placement
    assert attributed_kind([before, started(date(2024, 4, 1), "flexjob", 2)], enrolled, to) == "flexjob"
    assert attributed_kind([before], enrolled, to) == "not_placed"
    assert attributed_kind([started(date(2024, 6, 1), "ordinary", 3)], enrolled, to) == "not_placed"  # at `to`
    assert attributed_kind([started(date(2024, 3, 1), None, 4)], enrolled, to) == "unspecified"
