from fractions import Fraction

from outcomes.domain.valuation import break_even_index, monthly_discount_factor, present_value, roi


def test_monthly_factor_of_three_and_a_half_percent() -> None:
    assert abs(monthly_discount_factor(Fraction(35, 1000)) ** 12 - 1.035) < 1e-12


def test_present_value_discounts_month_twelve_by_one_year() -> None:
    # 1,035,000 in month 12 is worth 1,000,000 in month 0 at 3.5 %.
    assert present_value([0] * 12 + [1_035_000], Fraction(35, 1000)) == 1_000_000


def test_roi_and_break_even() -> None:
    assert roi(500, 1000) == Fraction(1, 2)
    assert roi(0, 0) is None
    assert break_even_index([0, 100, 300, 400], [500, 100, 0, 0]) == 3
    assert break_even_index([0, 0], [10, 0]) is None
