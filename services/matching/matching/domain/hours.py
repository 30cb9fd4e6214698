"""Hours fit: can the citizen work the opening's minimum hours, and how much of their capacity is used.

A few hours a week is a real job here ("småjob"): a 4-hour opening fits a citizen who can work 5
hours. A citizen who can work fewer hours than the opening's minimum cannot take it (excluded).
Among feasible openings, one that uses more of the citizen's capacity fits better:
fit = 0.5 + 0.5 * min(capacity, max_hours) / capacity.
"""

from __future__ import annotations

import numpy as np

from .arrays import BoolArray, FloatArray


def hours_feasible(capacity: FloatArray, hours_min: FloatArray) -> BoolArray:
    """True where the citizen can work at least the opening's minimum hours."""
    return np.asarray(capacity >= hours_min, dtype=np.bool_)


def hours_fit(capacity: FloatArray, hours_min: FloatArray, hours_max: FloatArray) -> FloatArray:
    """0 when infeasible, else 0.5-1 rising with the share of capacity the opening uses."""
    safe_capacity = np.maximum(capacity, 1e-9)
    used = np.minimum(capacity, hours_max) / safe_capacity
    return np.where(hours_feasible(capacity, hours_min), 0.5 + 0.5 * np.clip(used, 0.0, 1.0), 0.0)
