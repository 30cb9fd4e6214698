"""Settlements by hand: caps reached, late facts and corrections producing adjustment lines."""

from datetime import date
from fractions import Fraction

from outcomes.domain.benefits import Benefit, benefit_path
from outcomes.domain.entitlements import (
    CitizenFacts,
    milestone_entitlements,
    savings_share_entitlements,
    share_months,
)
from outcomes.domain.events import OutcomeEvent
from outcomes.domain.pbr import ContractTerms, milestone_payment
from outcomes.domain.refusion import RefusionStaircase
from outcomes.domain.savings import monthly_savings
from outcomes.domain.settlement import StatementLine, settle, statement_total

TERMS = ContractTerms(
    side="citizen_course",
    starts_on=date(2024, 1, 1),
    ends_on=date(2025, 1, 1),
    tariffs={"placement_started": 500_000, "retained_3m": 1_000_000},
    premium_percent={"integration": Fraction(25)},
    cap_per_citizen=1_500_000,
    cap_total=2_000_000,
)


def placed(event_id: str, citizen: str, on: date, supersedes: str | None = None, sequence: int = 0) -> OutcomeEvent:
    return OutcomeEvent(
        event_id,
        citizen,
        "placement_started",
        on,
        {"organisation_id": "acme", "hours_per_week": 20},
        supersedes,
        sequence,
    )


def citizen(citizen_id: str, group: str, *events: OutcomeEvent) -> CitizenFacts:
    return CitizenFacts(
        citizen_id, group, date(2024, 1, 1), date(2023, 6, 1), Benefit("kontanthjaelp_30plus", 1_232_600), events
    )


def run(
    citizens: list[CitizenFacts], start: date, end: date, ledger: list[StatementLine], terms: ContractTerms = TERMS
) -> list[StatementLine]:
    return settle(
        terms=terms,
        period_from=start,
        period_to=end,
        entitlements=milestone_entitlements(citizens, terms),
        ledger=ledger,
    )


def test_premium_is_rounded_half_away_from_zero() -> None:
    assert milestone_payment(500_000, Fraction(25)) == 625_000
    assert milestone_payment(333_333, Fraction("12.5")) == 375_000  # 374,999.625 → 375,000
    assert milestone_payment(1, Fraction(50)) == 2  # 1.5 → 2


def test_a_cap_reached_cuts_lines_in_date_citizen_milestone_order() -> None:
    # B (integration, +25 %) placed 5 Feb: 625,000; A placed 10 Feb: 500,000; B retained_3m 5 May: 1,250,000
    # would take B to 1,875,000 > 1,500,000 per citizen and the contract to 2,375,000 > 2,000,000: cut to
    # 875,000; A retained_3m 10 May: nothing is left under the total cap, written as 0 with reason cap.
    citizens = [
        citizen("A", "cash_benefit", placed("a1", "A", date(2024, 2, 10))),
        citizen("B", "integration", placed("b1", "B", date(2024, 2, 5))),
    ]
    lines = run(citizens, date(2024, 2, 1), date(2024, 6, 1), [])
    assert [(line.citizen_id, line.name, line.entitled, line.amount, line.reason) for line in lines] == [
        ("B", "placement_started", 625_000, 625_000, None),
        ("A", "placement_started", 500_000, 500_000, None),
        ("B", "retained_3m", 1_250_000, 875_000, "cap"),
        ("A", "retained_3m", 1_000_000, 0, "cap"),
    ]
    assert statement_total(lines) == 2_000_000
    # The next period pays nothing more: the caps hold across statements.
    later = run(citizens, date(2024, 6, 1), date(2024, 7, 1), lines)
    assert later == []


def test_late_fact_and_correction_produce_adjustment_lines() -> None:
    terms = ContractTerms(
        side="citizen_course",
        starts_on=date(2024, 1, 1),
        ends_on=date(2025, 1, 1),
        tariffs={"placement_started": 500_000},
    )
    february = run(
        [citizen("A", "cash_benefit", placed("a1", "A", date(2024, 2, 10)))],
        date(2024, 2, 1),
        date(2024, 3, 1),
        [],
        terms,
    )
    assert [(line.kind, line.amount) for line in february] == [("milestone", 500_000)]
    # In March we learn A's placement never happened (corrected to education) and that B was placed on
    # 20 Feb (reported late): -500,000 for A, +500,000 for B, both as adjustments.
    education = OutcomeEvent("a2", "A", "education_started", date(2024, 2, 10), {}, supersedes="a1", sequence=2)
    citizens = [
        citizen("A", "cash_benefit", placed("a1", "A", date(2024, 2, 10)), education),
        citizen("B", "cash_benefit", placed("b1", "B", date(2024, 2, 20))),
    ]
    march = run(citizens, date(2024, 3, 1), date(2024, 4, 1), february, terms)
    assert [(line.citizen_id, line.kind, line.entitled, line.amount, line.reason) for line in march] == [
        ("A", "adjustment", -500_000, -500_000, "correction"),
        ("B", "adjustment", 500_000, 500_000, "late"),
    ]
    # Running April on top changes nothing more.
    assert run(citizens, date(2024, 4, 1), date(2024, 5, 1), february + march, terms) == []


def test_savings_share_line_per_citizen_and_period(staircase: RefusionStaircase) -> None:
    # The cash-benefit citizen of test_savings: municipal savings April 394,432 + May 739,560 = 1,133,992;
    # a 10 % share = 113,399.2 → 113,399, dated the period's last day.
    terms = ContractTerms(
        side="citizen_course",
        starts_on=date(2024, 1, 1),
        ends_on=date(2025, 1, 1),
        tariffs={},
        savings_share_percent=Fraction(10),
    )
    facts = CitizenFacts(
        "A",
        "cash_benefit",
        date(2024, 3, 1),
        date(2024, 1, 1),
        Benefit("kontanthjaelp_30plus", 1_232_600),
        (OutcomeEvent("e", "A", "benefit_ended", date(2024, 4, 15)),),
    )
    periods = [(date(2024, 4, 1), date(2024, 6, 1))]
    path = benefit_path(
        enrolled_on=facts.enrolled_on,
        since=facts.since,
        at_enrolment=facts.benefit_at_enrolment,
        events=facts.events,
    )
    savings = monthly_savings([path], share_months(terms, periods), staircase)
    items = savings_share_entitlements([facts], terms, periods=periods, lines=savings)
    lines = settle(terms=terms, period_from=date(2024, 4, 1), period_to=date(2024, 6, 1), entitlements=items, ledger=[])
    assert [(line.kind, line.on, line.amount) for line in lines] == [("savings_share", date(2024, 5, 31), 113_399)]


def test_reduced_entitlement_after_a_cut_claws_back_only_what_was_paid() -> None:
    terms = ContractTerms(
        side="citizen_course",
        starts_on=date(2024, 1, 1),
        ends_on=date(2025, 1, 1),
        tariffs={"placement_started": 1_000_000},
        cap_total=600_000,
    )
    first = run(
        [citizen("A", "cash_benefit", placed("a1", "A", date(2024, 2, 10)))],
        date(2024, 2, 1),
        date(2024, 3, 1),
        [],
        terms,
    )
    assert [(line.amount, line.reason) for line in first] == [(600_000, "cap")]
    gone = citizen(
        "A",
        "cash_benefit",
        placed("a1", "A", date(2024, 2, 10)),
        OutcomeEvent("a2", "A", "education_started", date(2024, 2, 10), {}, "a1"),
    )
    second = run([gone], date(2024, 3, 1), date(2024, 4, 1), first, terms)
    assert [(line.entitled, line.amount) for line in second] == [(-1_000_000, -600_000)]
