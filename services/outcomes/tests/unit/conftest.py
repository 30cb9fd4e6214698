"""Shared builders for the domain unit tests."""

from __future__ import annotations

from fractions import Fraction

import pytest

from outcomes.domain.refusion import RefusionBand, RefusionStaircase


def danish_staircase() -> RefusionStaircase:
    """80 % weeks 1-4, 40 % weeks 5-26, 30 % weeks 27-52, 20 % from week 53; reset after 52 weeks."""
    return RefusionStaircase(
        [
            RefusionBand(1, Fraction(80)),
            RefusionBand(5, Fraction(40)),
            RefusionBand(27, Fraction(30)),
            RefusionBand(53, Fraction(20)),
        ],
        reset_weeks=52,
    )


@pytest.fixture
def staircase() -> RefusionStaircase:
    return danish_staircase()
