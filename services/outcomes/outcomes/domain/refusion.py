"""State refusion staircase (Denmark, refusionsreformen 2016): share refunded by accumulated support weeks."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import numpy as np
import numpy.typing as npt

# Shares are held in basis points so that the vectorised engine stays in exact integers.
BASIS_POINTS = 10_000


@dataclass(frozen=True)
class RefusionBand:
    """From `first_week` on (until the next band) the state refunds `share_percent` of the spending."""

    first_week: int
    share_percent: Fraction


class RefusionStaircase:
    """The staircase of a rate card plus its reset rule (`refusion_reset_weeks`)."""

    def __init__(self, bands: list[RefusionBand], reset_weeks: int) -> None:
        ordered = sorted(bands, key=lambda band: band.first_week)
        if ordered and ordered[0].first_week != 1:
            raise ValueError("the first refusion band must start at week 1")
        for band in ordered:
            if band.share_percent < 0 or band.share_percent > 100:
                raise ValueError("a refusion share is a percent between 0 and 100")
            if (band.share_percent * 100).denominator != 1:
                raise ValueError("refusion shares are whole basis points (0.01 %)")
        self.bands = tuple(ordered)
        self.reset_weeks = reset_weeks
        self.reset_days = reset_weeks * 7
        # Day counts below which the band table is explicit; from here on the last band holds.
        self.plateau_days = (ordered[-1].first_week - 1) * 7 if ordered else 0
        plateau_week = ordered[-1].first_week if ordered else 1
        # kept(week) for weeks 1..plateau as a table: the statement reconciliation asks it for every day.
        self._kept_by_week = [BASIS_POINTS - int(self.share_percent(week) * 100) for week in range(1, plateau_week + 1)]
        kept = np.array([self.kept_basis_points(day // 7 + 1) for day in range(self.plateau_days + 1)], dtype=np.int64)
        self._prefix = np.concatenate([np.zeros(1, dtype=np.int64), np.cumsum(kept)])
        self._kept_plateau = int(kept[-1]) if len(kept) else BASIS_POINTS

    @classmethod
    def none(cls) -> RefusionStaircase:
        """No state refusion (Sweden): the municipality bears every krona."""
        return cls([RefusionBand(1, Fraction(0))], reset_weeks=52)

    def share_percent(self, week: int) -> Fraction:
        """The refunded share (percent) for a day in support week `week` (1-based)."""
        share = Fraction(0)
        for band in self.bands:
            if week >= band.first_week:
                share = band.share_percent
        return share

    def kept_basis_points(self, week: int) -> int:
        """What the municipality bears, 1 - r(week), in basis points."""
        table = self._kept_by_week
        return table[week - 1] if week <= len(table) else table[-1]

    def kept_by_week(self) -> npt.NDArray[np.int64]:
        """kept(week) in basis points for weeks 1, 2, … up to the last band's first week, which holds from then on."""
        return np.array(self._kept_by_week, dtype=np.int64)

    def kept_sum(self, support_days: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
        """Σ over x in [0, c) of kept(week(x)) in basis points, for each count c (the prefix sum)."""
        counts = np.maximum(support_days, 0)
        explicit = self._prefix[np.minimum(counts, self.plateau_days)]
        beyond = np.maximum(counts - self.plateau_days, 0) * self._kept_plateau
        return explicit + beyond  # type: ignore[no-any-return]
