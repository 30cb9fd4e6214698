from datetime import date
from fractions import Fraction

from outcomes.domain.calendar import Month, months_between
from outcomes.domain.evaluation import EvaluatedCitizen, Outlay, evaluate
from outcomes.domain.refusion import RefusionStaircase
from outcomes.domain.savings import BenefitPath


def test_evaluation_of_the_worked_example(staircase: RefusionStaircase) -> None:
    # The cash-benefit citizen (municipal savings 0 + 394,432 + 739,560 = 1,133,992), a course cost of
    # 300,000 in March and a 500,000 payment in April: net gain 333,992; break-even in May.
    citizen = EvaluatedCitizen(
        "A", "cash_benefit", "p1", BenefitPath(date(2024, 3, 1), date(2024, 1, 1), 1_232_600, ((date(2024, 4, 15), 0),))
    )
    result = evaluate(
        citizens=[citizen],
        months=months_between(date(2024, 3, 1), date(2024, 6, 1)),
        staircase=staircase,
        costs=[
            Outlay(Month(2024, 3), 300_000, "p1", "cash_benefit"),
            Outlay(Month(2024, 3), 99_000, "p1", None, borne_by_municipality=False),
        ],
        payments=[Outlay(Month(2024, 4), 500_000, "p1", "cash_benefit")],
        discount_rate=Fraction(35, 1000),
    )
    assert result.totals.municipal_saving == 1_133_992
    assert result.totals.gross_saving == 1_889_987
    assert result.totals.net_gain == 333_992
    assert result.totals.costs_carried_by_others == 99_000
    assert result.totals.roi == Fraction(333_992, 800_000)
    assert result.break_even_month == Month(2024, 5)
    assert result.economic_gain
    assert result.by_partnership["p1"].net_gain == 333_992
    assert [row.municipal_saving for row in result.by_month] == [0, 394_432, 739_560]
    # One citizen: every resample is that citizen, so the band is the point itself.
    assert result.uncertainty is not None
    assert (result.uncertainty.p5, result.uncertainty.p95) == (333_992, 333_992)
