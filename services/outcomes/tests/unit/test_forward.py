"""ECONOMICS §8 by hand: savings curve, carried months, fundable cost per citizen, bootstrap, the answer."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest

from outcomes.domain.forward import (
    Band,
    SinceEnrolment,
    answer_sentence,
    forward,
    fundable_cost,
    per_citizen_cost,
    savings_curve,
)
from servicekit.domain_errors import InvalidField

RATE = Fraction(35, 1000)


def three_citizens() -> SinceEnrolment:
    """A enrolled in the first evaluated month, B in the second, C in the third (evaluation of 3 months)."""
    calendar = np.array(
        [
            [10_000, 20_000, 30_000],  # A: k = 0, 1, 2
            [0, 5_000, 15_000],  # B: k = 0, 1
            [0, 0, -2_500],  # C: k = 0
        ],
        dtype=np.int64,
    )
    return SinceEnrolment.align(calendar, [0, 1, 2])


def test_align_by_months_since_enrolment() -> None:
    since = three_citizens()
    assert since.observed.tolist() == [3, 2, 1]
    assert since.lines.tolist() == [[10_000, 20_000, 30_000], [5_000, 15_000, 0], [-2_500, 0, 0]]


def test_curve_and_fundable_cost_by_hand() -> None:
    """Curve: k0 (10,000 + 5,000 - 2,500) / 3 = 4,166.67 -> 4,167; k1 (20,000 + 15,000) / 2 = 17,500; k2 30,000.

    Observed 3 months; carried = mean of the last (up to 6) observed: (4,167 + 17,500 + 30,000) / 3 = 17,222.33
    -> 17,222. Monthly factor f = 1.035^(1/12) = 1.00287090.
    H = 5: 4,167 + 17,500 / f + 30,000 / f^2 + 17,222 / f^3 + 17,222 / f^4
         = 4,167 + 17,449.90 + 29,828.49 + 17,074.52 + 17,025.64 = 85,545.55 -> 85,546 øre.
    H = 2: 4,167 + 17,500 / f = 21,616.90 -> 21,617 (2 observed, 0 carried).
    At 0 %: 4,167 + 17,500 + 30,000 + 17,222 + 17,222 = 86,111.
    """
    curve = savings_curve(three_citizens())
    assert curve == [4_167, 17_500, 30_000]
    assert fundable_cost(curve, 5, RATE) == 85_546
    assert fundable_cost(curve, 2, RATE) == 21_617
    assert fundable_cost(curve, 5, Fraction(0)) == 86_111
    result = forward(three_citizens(), annual_rate=RATE, outlays=0, cost_per_citizen=50_000, horizon=5)
    assert (result.observed_months, result.carried_months) == (3, 2)
    assert result.savings_curve == curve
    assert result.fundable_cost_per_citizen == 85_546
    # Net municipal saving = 10,000 + 20,000 + 30,000 + 5,000 + 15,000 - 2,500 = 77,500.
    assert result.net_municipal_saving == 77_500
    forward_two = forward(three_citizens(), annual_rate=RATE, outlays=0, cost_per_citizen=None, horizon=2)
    assert (forward_two.observed_months, forward_two.carried_months) == (2, 0)


def test_carry_uses_the_last_six_observed_months() -> None:
    """Curve 0, 0, 600, 600, 600, 600, 600, 1200 (8 months): carried (600 x 4 + 600 + 1,200) / 6 = 700."""
    curve = [0, 0, 600, 600, 600, 600, 600, 1_200]
    assert fundable_cost(curve, 10, Fraction(0)) == sum(curve) + 2 * 700


def test_bootstrap_is_seeded_and_ordered() -> None:
    rng = np.random.default_rng(3)
    calendar = rng.integers(-50_000, 150_000, size=(400, 12)).astype(np.int64)
    since = SinceEnrolment.align(calendar, rng.integers(0, 12, 400).tolist())
    one = forward(since, annual_rate=RATE, outlays=1_000_000, cost_per_citizen=100_000, draws=1_000, seed=11)
    two = forward(since, annual_rate=RATE, outlays=1_000_000, cost_per_citizen=100_000, draws=1_000, seed=11)
    assert one == two
    assert one.fundable_cost_band is not None
    assert one.net_municipal_saving_band is not None
    band = one.fundable_cost_band
    assert band.p5 <= band.p50 <= band.p95
    assert band.p5 <= one.fundable_cost_per_citizen <= band.p95  # type: ignore[operator]
    assert one.probability_net_gain is not None
    assert 0 <= one.probability_net_gain <= 1
    other = forward(since, annual_rate=RATE, outlays=1_000_000, cost_per_citizen=100_000, draws=1_000, seed=12)
    assert other.fundable_cost_band != one.fundable_cost_band


def test_identical_citizens_have_no_spread() -> None:
    calendar = np.tile(np.array([[1_000, 2_000, 3_000]], dtype=np.int64), (50, 1))
    since = SinceEnrolment.align(calendar, [0] * 50)
    result = forward(since, annual_rate=Fraction(0), outlays=299_999, cost_per_citizen=6_000, horizon=3)
    assert result.fundable_cost_band == Band(6_000, 6_000, 6_000)
    assert result.net_municipal_saving_band == Band(300_000, 300_000, 300_000)
    assert result.probability_net_gain == 1.0
    assert result.answer == (
        "Each citizen enrolled is expected to save 60 kr. net over 3 months (90 % interval 60 to 60 kr.); "
        "the programme costs 60 kr. per citizen; it can pay for itself."
    )


def test_answer_sentences() -> None:
    band = Band(2_000_000, 4_125_000, 6_000_000)
    assert answer_sentence(4_125_000, band, 36, 5_000_000) == (
        "Each citizen enrolled is expected to save 41,250 kr. net over 36 months (90 % interval 20,000 to 60,000 kr.); "
        "the programme costs 50,000 kr. per citizen; it cannot pay for itself. "
        "The interval includes the cost, so this is not certain."
    )
    assert answer_sentence(None, None, 36, 5_000_000).startswith("No enrolled citizen has a comparison group yet")
    assert per_citizen_cost(100_001, 2) == 50_001
    assert per_citizen_cost(5, 0) is None


def test_no_matched_citizens() -> None:
    empty = SinceEnrolment.align(np.zeros((0, 3), dtype=np.int64), [])
    result = forward(empty, annual_rate=RATE, outlays=0, cost_per_citizen=None)
    assert result.fundable_cost_per_citizen is None
    assert result.observed_months == 0


@pytest.mark.parametrize(("field", "kwargs"), [("draws", {"draws": 999}), ("horizon_months", {"horizon": 0})])
def test_bad_parameters(field: str, kwargs: dict[str, int]) -> None:
    with pytest.raises(InvalidField, match=field):
        forward(three_citizens(), annual_rate=RATE, outlays=0, cost_per_citizen=None, **kwargs)  # type: ignore[arg-type]


def test_answer_when_the_comparisons_saved_more() -> None:
    """A negative net saving reads as what it is, not as "save -X kr."."""
    band = Band(-6_756_559, -3_699_864, -829_775)
    assert answer_sentence(-3_727_000, band, 36, 10_131_044) == (
        "Each citizen enrolled is expected to save nothing net over 36 months: comparable citizens outside the "
        "programme saved 37,270 kr. more each (90 % interval -67,566 to -8,298 kr.); the programme costs "
        "101,310 kr. per citizen; it cannot pay for itself."
    )
