from __future__ import annotations

import numpy as np

from matching.domain.geo import haversine_km


def test_copenhagen_to_aarhus_is_about_157_km() -> None:
    d = haversine_km(np.array([55.6761]), np.array([12.5683]), np.array([56.1629]), np.array([10.2039]))
    assert 150 < d[0] < 160


def test_unknown_location_gives_nan_and_same_place_zero() -> None:
    d = haversine_km(np.array([np.nan, 55.0]), np.array([np.nan, 12.0]), np.array([55.0, 55.0]), np.array([12.0, 12.0]))
    assert np.isnan(d[0])
    assert d[1] == 0.0
