"""Hand-computed monthly lines, exact to the øre (the worked examples of docs/economics.md)."""

from datetime import date
from fractions import Fraction

from outcomes.domain.benefits import Benefit, benefit_path
from outcomes.domain.calendar import Month, months_between
from outcomes.domain.events import OutcomeEvent
from outcomes.domain.refusion import RefusionStaircase
from outcomes.domain.savings import BenefitPath, monthly_savings

KONTANTHJAELP_30PLUS = 1_232_600  # 12,326 kr. a month (2024, bm.dk)
LEDIGHEDSYDELSE = 1_812_000  # 18,120 kr. a month (2024)


def lines(
    path: BenefitPath, start: date, end: date, staircase: RefusionStaircase, *, deadweight: bool = False
) -> dict[str, list[int]]:
    result = monthly_savings([path], months_between(start, end), staircase, deadweight=deadweight)
    return {name: getattr(result, name)[0].tolist() for name in ("baseline", "actual", "gross", "municipal", "state")}


def test_cash_benefit_since_known_date_placed_and_benefit_ending(staircase: RefusionStaircase) -> None:
    # On kontanthjælp since 1 Jan 2024, enrolled 1 Mar, placed and off benefit from 15 Apr.
    path = benefit_path(
        enrolled_on=date(2024, 3, 1),
        since=date(2024, 1, 1),
        at_enrolment=Benefit("kontanthjaelp_30plus", KONTANTHJAELP_30PLUS),
        events=[OutcomeEvent("e1", "c1", "benefit_ended", date(2024, 4, 15))],
    )
    got = lines(path, date(2024, 3, 1), date(2024, 6, 1), staircase)
    # April: actual = 1,232,600 x 14/30 = 575,213.33 → 575,213; gross = 657,387.
    # Support days before 15 Apr = 31+29+31+14 = 105 → week 16 (40 %): the baseline's 16 days from
    # 15 Apr are weeks 16-18, so municipal = 1,232,600 x 16/30 x 60 % = 394,432.00.
    # May: baseline weeks 18-22 (40 %): municipal = 1,232,600 x 60 % = 739,560.
    assert got == {
        "baseline": [1_232_600, 1_232_600, 1_232_600],
        "actual": [1_232_600, 575_213, 0],
        "gross": [0, 657_387, 1_232_600],
        "municipal": [0, 394_432, 739_560],
        "state": [0, 262_955, 493_040],
    }


def test_refusion_band_changing_mid_month(staircase: RefusionStaircase) -> None:
    # On support from 1 Mar 2024 (= enrolment), benefit ends 20 Mar. Days 1-28 Mar are weeks 1-4 (80 %
    # refunded), 29-31 Mar week 5 (40 %). Actual: 19 days = 1,232,600 x 19/31 = 755,464.52 → 755,465.
    # Municipal: the baseline's extra days 20-28 Mar at 20 % and 29-31 Mar at 60 %:
    # 1,232,600 / 31 x (9 x 0.2 + 3 x 0.6) = 143,140.65 → 143,141.
    path = BenefitPath(date(2024, 3, 1), date(2024, 3, 1), KONTANTHJAELP_30PLUS, ((date(2024, 3, 20), 0),))
    got = lines(path, date(2024, 3, 1), date(2024, 4, 1), staircase)
    assert got == {
        "baseline": [1_232_600],
        "actual": [755_465],
        "gross": [477_135],
        "municipal": [143_141],
        "state": [333_994],
    }


def test_flexjob_wage_subsidy_is_a_cost(staircase: RefusionStaircase) -> None:
    # Ledighedsydelse since 2023 (week > 52: 20 % refunded); from 11 Jun 2024 a flexjob with a wage
    # subsidy of 11,000 kr. a month and no benefit. June: actual = 1,812,000 x 10/30 + 1,100,000 x 20/30
    # = 1,337,333.33 → 1,337,333; municipal = 20/30 x (1,812,000 - 1,100,000) x 80 % = 379,733.33 → 379,733.
    path = benefit_path(
        enrolled_on=date(2024, 6, 1),
        since=date(2023, 1, 1),
        at_enrolment=Benefit("ledighedsydelse", LEDIGHEDSYDELSE),
        events=[
            OutcomeEvent(
                "e1",
                "c1",
                "benefit_changed",
                date(2024, 6, 11),
                {"type": "fleksloentilskud", "monthly_amount": 0, "wage_subsidy": 1_100_000},
            )
        ],
    )
    got = lines(path, date(2024, 6, 1), date(2024, 8, 1), staircase)
    assert got == {
        "baseline": [1_812_000, 1_812_000],
        "actual": [1_337_333, 1_100_000],
        "gross": [474_667, 712_000],
        "municipal": [379_733, 569_600],
        "state": [94_934, 142_400],
    }


def test_days_before_enrolment_count_nothing(staircase: RefusionStaircase) -> None:
    # Enrolled 15 Apr: both baseline and actual run from that day, 16/30 of the month.
    path = BenefitPath(date(2024, 4, 15), date(2024, 1, 1), 3_000_000)
    got = lines(path, date(2024, 3, 1), date(2024, 5, 1), staircase)
    assert got["baseline"] == [0, 1_600_000]
    assert got["gross"] == [0, 0]


def test_refusion_count_restarts_after_52_weeks_without_support(staircase: RefusionStaircase) -> None:
    # Week 53+ at enrolment (2 Jan 2023), off benefit that day, back on 1 Jan 2024 after 364 days
    # without support: the count restarts, so January is weeks 1-4 (80 %) for 28 days and week 5 (40 %)
    # for 3. Baseline keeps 80 %: municipal = 800,000 - 1,000,000 x (28 x 0.2 + 3 x 0.6)/31 = 561,290.32.
    path = BenefitPath(
        date(2023, 1, 2), date(2022, 1, 1), 1_000_000, ((date(2023, 1, 2), 0), (date(2024, 1, 1), 1_000_000))
    )
    got = lines(path, date(2024, 1, 1), date(2024, 2, 1), staircase)
    assert got["municipal"] == [561_290]
    # One day less without support (back on 31 Dec 2023): no restart, week 53+ on both sides.
    path = BenefitPath(
        date(2023, 1, 2), date(2022, 1, 1), 1_000_000, ((date(2023, 1, 2), 0), (date(2023, 12, 31), 1_000_000))
    )
    assert lines(path, date(2024, 1, 1), date(2024, 2, 1), staircase)["municipal"] == [0]


def test_deadweight_reduces_the_baseline_by_the_exit_rate_per_month(staircase: RefusionStaircase) -> None:
    # h = 2 % a month: baseline month k = 1,000,000 x 0.98^k; kept share 80 % (week > 53).
    path = BenefitPath(date(2024, 3, 1), date(2022, 1, 1), 1_000_000, exit_rate=Fraction(2, 100))
    got = lines(path, date(2024, 3, 1), date(2024, 6, 1), staircase, deadweight=True)
    assert got["baseline"] == [1_000_000, 980_000, 960_400]
    assert got["gross"] == [0, -20_000, -39_600]
    assert got["municipal"] == [0, -16_000, -31_680]


def test_swedish_card_has_no_refusion() -> None:
    path = BenefitPath(date(2025, 1, 1), date(2025, 1, 1), 900_000, ((date(2025, 1, 11), 0),))
    got = lines(path, date(2025, 1, 1), date(2025, 2, 1), RefusionStaircase.none())
    assert got["gross"] == got["municipal"] == [609_677]  # actual 10/31 x 900,000 = 290,322.58 → 290,323
    assert got["state"] == [0]


def test_state_saving_is_gross_minus_municipal(staircase: RefusionStaircase) -> None:
    path = BenefitPath(
        date(2024, 1, 10), date(2023, 11, 5), 1_234_567, ((date(2024, 2, 3), 600_001), (date(2024, 5, 17), 0))
    )
    result = monthly_savings([path], months_between(date(2024, 1, 1), date(2024, 7, 1)), staircase)
    assert (result.state == result.gross - result.municipal).all()
    assert (result.gross == result.baseline - result.actual).all()


def test_month_type_is_used_for_columns(staircase: RefusionStaircase) -> None:
    result = monthly_savings([], [Month(2024, 1)], staircase)
    assert result.baseline.shape == (0, 1)
