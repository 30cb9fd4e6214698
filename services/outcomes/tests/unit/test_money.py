from decimal import Decimal
from fractions import Fraction

import numpy as np
import pytest

from outcomes.domain.money import divide_half_away, divide_half_away_array, parse_fraction, round_ore


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Fraction(5, 2), 3),
        (Fraction(-5, 2), -3),
        (Fraction(7, 3), 2),
        (Fraction(-7, 3), -2),
        (Decimal("0.5"), 1),
        (0, 0),
    ],
)
def test_round_ore_is_half_away_from_zero(value: Fraction | Decimal | int, expected: int) -> None:
    assert round_ore(value) == expected


def test_array_rounding_matches_scalar_rounding() -> None:
    numerators = np.arange(-50, 51, dtype=np.int64)
    rounded = divide_half_away_array(numerators, np.full(numerators.size, 4, dtype=np.int64))
    assert rounded.tolist() == [divide_half_away(int(n), 4) for n in numerators]


def test_parse_fraction_is_exact_for_decimal_text() -> None:
    assert parse_fraction("3.5") == Fraction(7, 2)
    assert parse_fraction(0.1) == Fraction(1, 10)
