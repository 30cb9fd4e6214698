"""One bootstrap over citizens for every uncertainty figure of an evaluation (domain/bootstrap.py)."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest

from outcomes.domain.bootstrap import Band
from outcomes.domain.evaluation import bootstrap_net_gain
from outcomes.domain.forward import SinceEnrolment, forward
from outcomes.domain.money import round_half_away


def test_whole_ore_from_floats_round_half_away_from_zero() -> None:
    # Python's round() would give 0, 2, 2, 0, -2: a percentile landing on half an øre rounds as §1 does.
    values = np.array([0.5, 1.5, 2.5, -0.5, -2.5, 2.4999, -1.2])
    assert round_half_away(values).tolist() == [1, 2, 3, -1, -3, 2, -1]


def test_the_net_gain_band_is_drawn_as_the_forward_bands_are() -> None:
    # The same cohort, seed and number of draws: the evaluation's band of the net gain and the forward
    # view's band of the net municipal saving resample the same citizens, so they are the same figures.
    rng = np.random.default_rng(5)
    calendar = rng.integers(-50_000, 150_000, size=(300, 12)).astype(np.int64)
    since = SinceEnrolment.align(calendar, rng.integers(0, 12, 300).tolist())
    observed = np.arange(since.lines.shape[1])[None, :] < since.observed[:, None]
    per_citizen = np.where(observed, since.lines, 0).sum(axis=1).tolist()

    view = forward(since, annual_rate=Fraction(0), outlays=0, cost_per_citizen=None, draws=1_000, seed=11)
    band = bootstrap_net_gain(per_citizen, 0, resamples=1_000, seed=11)

    assert band is not None
    assert view.net_municipal_saving_band == Band(band.p5, band.p50, band.p95)
    assert view.probability_net_gain == band.probability_economic_gain


def test_every_resample_asked_for_is_drawn_however_large_the_cohort() -> None:
    # The earlier bootstrap held all resamples at once and so drew fewer for a large cohort (1,666 for
    # 12,000 citizens, 100 for 200,000) while reporting its method as 2,000; now it draws in chunks.
    per_citizen = [1_000 * (i % 7) - 2_000 for i in range(12_000)]
    band = bootstrap_net_gain(per_citizen, -5_000, resamples=2_000, seed=1)
    assert band is not None
    assert band.resamples == 2_000
    assert band.p5 <= band.p50 <= band.p95


def test_a_known_distribution() -> None:
    # Two citizens saving 0 and 100 øre: a resample's total is 0, 100 or 200 with odds 1/4, 1/2, 1/4.
    band = bootstrap_net_gain([0, 100], 0, resamples=2_000, seed=3)
    assert band is not None
    assert (band.p5, band.p50, band.p95) == (0, 100, 200)
    assert band.probability_economic_gain == pytest.approx(0.75, abs=0.03)
    assert bootstrap_net_gain([0, 100], 0, resamples=2_000, seed=3) == band  # seeded
    assert bootstrap_net_gain([], 0) is None
