"""Property tests: the vectorised engine agrees with a day-by-day reading of ECONOMICS.md; replays change
nothing; statement totals are sums of lines; caps hold for any order of facts."""

from datetime import date, timedelta
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from outcomes.domain.calendar import Month, days, months_between
from outcomes.domain.entitlements import CitizenFacts, milestone_entitlements
from outcomes.domain.events import OutcomeEvent, effective_events
from outcomes.domain.money import round_ore
from outcomes.domain.pbr import ContractTerms
from outcomes.domain.refusion import RefusionStaircase
from outcomes.domain.savings import BenefitPath, monthly_savings
from outcomes.domain.settlement import Entitlement, StatementLine, settle, statement_total
from tests.unit.conftest import danish_staircase

STAIRCASE = danish_staircase()
START = date(2023, 1, 1)


def reference_lines(path: BenefitPath, month: Month, staircase: RefusionStaircase) -> tuple[int, int, int]:
    """Baseline, actual and municipal line of one month, day by day with exact fractions."""
    changes = dict(path.changes)
    cost = path.baseline_monthly if path.since else 0
    count = (path.enrolled_on - path.since).days if path.since and cost else 0
    gap = 0 if cost else staircase.reset_days
    baseline = actual = municipal = Fraction(0)
    for day in days(path.enrolled_on, month.end):
        cost = changes.get(day, cost)
        in_month = day >= month.first_day
        base_day = Fraction(path.baseline_monthly if path.since else 0, Month.of(day).days)
        actual_day = Fraction(cost, Month.of(day).days)
        if in_month:
            base_week = (day - path.since).days // 7 + 1 if path.since else 1
            baseline += base_day
            actual += actual_day
            municipal += base_day * (1 - staircase.share_percent(base_week) / 100)
            municipal -= actual_day * (1 - staircase.share_percent(count // 7 + 1) / 100)
        if cost > 0:
            count, gap = count + 1, 0
        else:
            gap += 1
            if gap >= staircase.reset_days:
                count = 0
    return round_ore(baseline), round_ore(actual), round_ore(municipal)


paths = st.builds(
    lambda since_offset, enrol_offset, cost, changes: BenefitPath(
        START + timedelta(days=enrol_offset),
        START + timedelta(days=enrol_offset - since_offset) if since_offset >= 0 else None,
        cost,
        tuple(sorted({START + timedelta(days=enrol_offset + offset): amount for offset, amount in changes}.items())),
    ),
    st.integers(-1, 800),
    st.integers(0, 60),
    st.integers(0, 3_000_000),
    st.lists(st.tuples(st.integers(0, 700), st.sampled_from([0, 0, 1_000_000, 1_812_000, 777_777])), max_size=4),
)


@settings(max_examples=60, deadline=None)
@given(st.lists(paths, min_size=1, max_size=4))
def test_vectorised_engine_agrees_with_day_by_day_reference(batch: list[BenefitPath]) -> None:
    months = months_between(date(2023, 1, 1), date(2025, 1, 1))[::5]
    result = monthly_savings(batch, months, STAIRCASE)
    for row, path in enumerate(batch):
        for column, month in enumerate(months):
            expected = reference_lines(path, month, STAIRCASE)
            got = (
                int(result.baseline[row, column]),
                int(result.actual[row, column]),
                int(result.municipal[row, column]),
            )
            assert got == expected


events_strategy = st.lists(
    st.builds(
        lambda number, citizen, day: OutcomeEvent(
            f"e{number}",
            citizen,
            "placement_started",
            date(2024, 1, 1) + timedelta(days=day),
            {"organisation_id": "acme", "hours_per_week": 20},
        ),
        st.integers(0, 30),
        st.sampled_from(["A", "B", "C", "D"]),
        st.integers(0, 300),
    ),
    max_size=12,
    unique_by=lambda event: event.id,
)


def facts(events: list[OutcomeEvent]) -> list[CitizenFacts]:
    return [
        CitizenFacts(
            cid,
            "integration" if cid == "B" else "cash_benefit",
            date(2024, 1, 1),
            None,
            None,
            [e for e in events if e.citizen_id == cid],
        )
        for cid in ["A", "B", "C", "D"]
    ]


TERMS = ContractTerms(
    side="citizen_course",
    starts_on=date(2024, 1, 1),
    ends_on=date(2026, 1, 1),
    tariffs={"placement_started": 400_000, "retained_3m": 700_000, "retained_6m": 900_000},
    premium_percent={"integration": Fraction(15)},
    cap_per_citizen=1_500_000,
    cap_total=3_000_000,
)
PERIODS = [(date(2024, month, 1), date(2024, month + 2, 1)) for month in range(1, 11, 2)]


def settle_all(citizens: list[CitizenFacts], ledger: list[StatementLine] | None = None) -> list[StatementLine]:
    ledger = list(ledger or [])
    for start, end in PERIODS:
        ledger += settle(
            terms=TERMS,
            period_from=start,
            period_to=end,
            entitlements=milestone_entitlements(citizens, TERMS),
            ledger=ledger,
        )
    return ledger


@settings(max_examples=60, deadline=None)
@given(events_strategy)
def test_replaying_events_twice_changes_nothing(events: list[OutcomeEvent]) -> None:
    assert effective_events(events + events) == effective_events(events)
    assert settle_all(facts(events + events)) == settle_all(facts(events))


@settings(max_examples=60, deadline=None)
@given(events_strategy, st.randoms(use_true_random=False))
def test_caps_hold_for_any_order_of_facts(events: list[OutcomeEvent], random: object) -> None:
    shuffled = list(events)
    random.shuffle(shuffled)  # type: ignore[attr-defined]
    # Facts arrive in any order and any statement: half are known first, the rest arrive later.
    early, late = shuffled[: len(shuffled) // 2], shuffled
    ledger = settle_all(facts(early))
    for start, end in PERIODS:
        ledger += settle(
            terms=TERMS,
            period_from=start.replace(year=2025),
            period_to=end.replace(year=2025),
            entitlements=milestone_entitlements(facts(late), TERMS),
            ledger=ledger,
        )
    by_citizen: dict[str, int] = {}
    for line in ledger:
        by_citizen[line.citizen_id] = by_citizen.get(line.citizen_id, 0) + line.amount
    assert all(0 <= paid <= 1_500_000 for paid in by_citizen.values())
    assert 0 <= statement_total(ledger) <= 3_000_000


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from("ABC"), st.sampled_from(["m1", "m2", "m3"]), st.integers(0, 200), st.integers(0, 2_000_000)
        ),
        max_size=10,
    )
)
def test_statement_total_is_the_sum_of_its_lines(items: list[tuple[str, str, int, int]]) -> None:
    entitlements = [
        Entitlement(c, name, date(2024, 1, 1) + timedelta(days=day), amount) for c, name, day, amount in items
    ]
    lines = settle(
        terms=TERMS, period_from=date(2024, 1, 1), period_to=date(2024, 9, 1), entitlements=entitlements, ledger=[]
    )
    assert statement_total(lines) == sum(line.amount for line in lines)
    assert all(line.amount <= line.entitled for line in lines)
