from __future__ import annotations

import numpy as np

from matching.domain.hours import hours_feasible, hours_fit


def test_four_hour_opening_fits_a_five_hour_citizen_not_a_two_hour_one() -> None:
    capacity = np.array([5.0, 2.0])
    assert hours_feasible(capacity, np.array([4.0, 4.0])).tolist() == [True, False]
    fit = hours_fit(capacity, np.array([4.0, 4.0]), np.array([4.0, 4.0]))
    assert fit[0] == 0.5 + 0.5 * 4 / 5
    assert fit[1] == 0.0


def test_fit_rises_with_the_share_of_capacity_used() -> None:
    fit = hours_fit(np.array([30.0, 30.0]), np.array([4.0, 4.0]), np.array([8.0, 30.0]))
    assert fit[0] < fit[1] == 1.0
