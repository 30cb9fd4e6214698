"""Money: integer øre, exact intermediate fractions, one rounding per line (half away from zero)."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from typing import TypeVar

import numpy as np
import numpy.typing as npt

Exact = Fraction | Decimal | int
IntArray = npt.NDArray[np.int64]
ArrayT = TypeVar("ArrayT", IntArray, npt.NDArray[np.object_])


def round_ore(value: Exact) -> int:
    """Round an exact amount to whole øre, half away from zero (ECONOMICS §1)."""
    exact = Fraction(value)
    return divide_half_away(exact.numerator, exact.denominator)


def divide_half_away(numerator: int, denominator: int) -> int:
    """numerator / denominator rounded to an integer, half away from zero; denominator > 0."""
    if denominator <= 0:
        raise ValueError("denominator must be positive")
    magnitude = (2 * abs(numerator) + denominator) // (2 * denominator)
    return magnitude if numerator >= 0 else -magnitude


def divide_half_away_array(numerator: ArrayT, denominator: ArrayT) -> ArrayT:
    """Element-wise divide_half_away for integer (or exact Python-int object) arrays."""
    magnitude = (2 * abs(numerator) + denominator) // (2 * denominator)
    rounded: ArrayT = np.where(numerator >= 0, magnitude, -magnitude)
    return rounded


def parse_fraction(text: str | int | float | Decimal | Fraction) -> Fraction:
    """An exact fraction from a decimal string or number as written in a rate card or contract."""
    if isinstance(text, float):
        return Fraction(Decimal(repr(text)))
    if isinstance(text, str):
        return Fraction(Decimal(text))
    return Fraction(text)


def percent_of(amount: int, percent: Fraction) -> Fraction:
    """The exact amount x percent / 100, unrounded."""
    return Fraction(amount) * percent / 100


def round_half_away(values: npt.NDArray[np.float64]) -> IntArray:
    """Whole øre from floats (a resampled sum, a present value), half away from zero as §1 rounds."""
    rounded: IntArray = (np.sign(values) * np.floor(np.abs(values) + 0.5)).astype(np.int64)
    return rounded
