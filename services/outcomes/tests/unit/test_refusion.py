from fractions import Fraction

import numpy as np
import pytest

from outcomes.domain.refusion import RefusionBand, RefusionStaircase


def test_danish_staircase_shares(staircase: RefusionStaircase) -> None:
    assert [staircase.share_percent(week) for week in (1, 4, 5, 26, 27, 52, 53, 200)] == [
        80,
        80,
        40,
        40,
        30,
        30,
        20,
        20,
    ]


def test_kept_sum_is_the_prefix_of_kept_basis_points(staircase: RefusionStaircase) -> None:
    # 28 days at 2,000 bp + 2 days at 6,000 bp; beyond week 53 each day keeps 8,000 bp.
    assert staircase.kept_sum(np.array([30], dtype=np.int64)).tolist() == [28 * 2000 + 2 * 6000]
    plateau = staircase.kept_sum(np.array([364], dtype=np.int64))[0]
    assert staircase.kept_sum(np.array([374], dtype=np.int64))[0] - plateau == 10 * 8000


def test_bands_must_start_at_week_one() -> None:
    with pytest.raises(ValueError, match="week 1"):
        RefusionStaircase([RefusionBand(5, Fraction(40))], reset_weeks=52)
