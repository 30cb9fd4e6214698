"""The bootstrap over citizens behind every uncertainty figure of an evaluation (ECONOMICS §8).

Resamples of the enrolled citizens with replacement, drawn by a seeded generator in chunks of rows
so that memory stays bounded however many citizens there are; their percentiles in whole øre,
rounded half away from zero. The evaluation's net-gain band, the forward view's bands and the
chart's cumulative band all resample here, so one seed gives one answer.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from .money import round_half_away

FloatArray = npt.NDArray[np.float64]
# Resample rows held at once (rows x citizens counts): a few tens of MB whatever the cohort.
CHUNK_CELLS = 2_000_000


@dataclass(frozen=True)
class Band:
    """5th, 50th and 95th percentile (numpy's linear method), rounded to øre half away from zero."""

    p5: int
    p50: int
    p95: int


def resampled_weights(rng: np.random.Generator, citizens: int, draws: int) -> Iterator[FloatArray]:
    """Bootstrap weights: `draws` resamples of the citizens with replacement, in chunks of rows.

    Row r, column c says how often citizen c was drawn in resample r (the seeded rng decides)."""
    chunk = max(1, min(draws, CHUNK_CELLS // max(citizens, 1)))
    done = 0
    while done < draws:
        size = min(chunk, draws - done)
        picks = rng.integers(0, citizens, size=(size, citizens))
        flat = (np.arange(size)[:, None] * citizens + picks).ravel()
        yield np.bincount(flat, minlength=size * citizens).reshape(size, citizens).astype(np.float64)
        done += size


def percentile_band(values: FloatArray) -> Band:
    p5, p50, p95 = round_half_away(np.percentile(values, [5, 50, 95]))
    return Band(int(p5), int(p50), int(p95))
