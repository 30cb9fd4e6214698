"""The national ranking: one exact scorer, blocked by commuting region.

A citizen is only recommended openings within their commuting region: for the national run that
is a hard constraint of the final scorer, like hours and essential support. So the national top-n
of a citizen is exactly the top-n of the pairs in their block, and scoring every pair of a block
with the final scorer gives the same lists as scoring every pair of the country (no retrieval
that could change the answer). Pair scores depend on the pair alone (skills weigh by their
specificity over the taxonomy, not over the openings beside them), so where a pair is scored
does not matter either.

Commuting regions: an official table (municipality → commuting area or local labour market) where
one is loaded (`CommutingRegions.from_rows`, `MATCHING_COMMUTING_REGIONS_FILE`); for a municipality
it does not list, Danish municipality codes (DK-0101 …) are grouped by their hundreds digit, which
follows the regions' commuting areas (1xx-2xx the capital area, 3xx Zealand, 4xx Funen, 5xx-6xx
Southern Jutland, 7xx East and Central Jutland, 8xx North Jutland), and Swedish ones (SE-0180 …)
by county, the frame of Statistics Sweden's local labour markets. Both are approximations.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from .arrays import FloatArray, IntArray
from .batch import top_per_row
from .block_scoring import BlockScorer, linear_terms, opening_side
from .blocks import citizen_block, opening_block
from .citizen_columns import CitizenColumns, CitizenColumnsBuilder
from .profiles import CitizenProfile, OpeningProfile
from .ranking import ScoringModel
from .recommend import score_pairs
from .skill_space import SkillSpace

# Pairs scored at once by the per-pair path: bounds its memory (features are 12 float64 per pair).
PAIRS_PER_CHUNK = 1_000_000


def commuting_region(municipality: str) -> str:
    """The block a municipality belongs to (see the module docstring)."""
    country, _, number = municipality.partition("-")
    if country == "DK" and number[:2].isdigit():
        hundreds = int(number) // 100
        return "DK-capital" if hundreds in (1, 2) else "DK-south-jutland" if hundreds in (5, 6) else f"DK-{hundreds}"
    if country == "SE" and len(number) >= 2:
        return f"SE-{number[:2]}"
    return municipality


class CommutingRegions:
    """Which commuting region a municipality's citizens and openings are blocked in: the loaded
    table's region, else the approximation (`commuting_region`)."""

    def __init__(self, table: Mapping[str, str] | None = None, *, source: str = "approximation") -> None:
        self.table = dict(table or {})
        self.source = source

    def __call__(self, municipality: str) -> str:
        return self.table.get(municipality) or commuting_region(municipality)

    @classmethod
    def from_rows(cls, rows: Iterable[Mapping[str, str | None]], *, source: str) -> CommutingRegions:
        """From rows with `municipality` and `region` (a CSV's, say); ValueError naming the row (1 is
        the first after the header) of a missing value or of a municipality listed twice."""
        table: dict[str, str] = {}
        for number, row in enumerate(rows, start=1):
            municipality = (row.get("municipality") or "").strip()
            region = (row.get("region") or "").strip()
            if not municipality or not region:
                raise ValueError(f"{source}, row {number}: needs a municipality and a region")
            if municipality in table:
                raise ValueError(f"{source}, row {number}: {municipality} is listed twice")
            table[municipality] = region
        return cls(table, source=source)


APPROXIMATE_REGIONS = CommutingRegions()


@dataclass(frozen=True)
class Block:
    region: str
    citizens: CitizenColumns
    openings: list[OpeningProfile]


class NationalPopulation:
    """Citizens and open openings gathered by commuting region a chunk of profiles at a time,
    citizens as columns: the parent of a national run holds the whole country, and drops each
    chunk's profiles once it is added."""

    def __init__(self, space: SkillSpace, regions: CommutingRegions = APPROXIMATE_REGIONS) -> None:
        self.space = space
        self.regions = regions
        self._citizens: dict[str, CitizenColumnsBuilder] = {}
        self._openings: dict[str, list[OpeningProfile]] = defaultdict(list)

    def add_citizens(self, citizens: Iterable[CitizenProfile]) -> None:
        by_region: dict[str, list[CitizenProfile]] = defaultdict(list)
        for c in citizens:
            by_region[self.regions(c.municipality)].append(c)
        for region, found in by_region.items():
            self._citizens.setdefault(region, CitizenColumnsBuilder(self.space)).add(found)

    def add_openings(self, openings: Iterable[OpeningProfile]) -> None:
        for o in openings:
            if o.status == "open":
                self._openings[self.regions(o.municipality)].append(o)

    def blocks(self) -> list[Block]:
        """The regions with citizens and openings, largest block first (Dask schedules the long
        tasks first)."""
        found = [
            Block(region, builder.build(), self._openings[region])
            for region, builder in self._citizens.items()
            if len(builder) and self._openings.get(region)
        ]
        return sorted(found, key=lambda b: -len(b.citizens) * len(b.openings))


def blocks(
    space: SkillSpace,
    citizens: Iterable[CitizenProfile],
    openings: Iterable[OpeningProfile],
    regions: CommutingRegions = APPROXIMATE_REGIONS,
) -> list[Block]:
    """Citizens and open openings grouped by commuting region, largest block first."""
    population = NationalPopulation(space, regions)
    population.add_citizens(citizens)
    population.add_openings(openings)
    return population.blocks()


@dataclass(frozen=True, eq=False)
class BlockRanking:
    """Row i: the best openings of the block's citizen i (indices into `Block.openings`, -1 where
    fewer are feasible), best first, and their scores (rounded to 6 decimals). Compact: a block's
    lists come back from a worker as two arrays, and the ids are looked up only when written."""

    region: str
    openings: npt.NDArray[np.int32]
    scores: npt.NDArray[np.float32]
    # What ranking the block cost where it ran (filled by the runner): CPU seconds, peak memory.
    cpu_seconds: float = 0.0
    peak_rss_gb: float = 0.0


def ranked_lists(
    block: Block, ranking: BlockRanking, rows: Iterable[int] | None = None
) -> list[tuple[str, list[str], list[float]]]:
    """(citizen id, opening ids best first, scores) of the block's citizens in `rows` (default all)."""
    found: list[tuple[str, list[str], list[float]]] = []
    for i in rows if rows is not None else range(len(block.citizens)):
        kept = ranking.openings[i] >= 0
        ids = [block.openings[o].id for o in ranking.openings[i][kept].tolist()]
        found.append((str(block.citizens.ids[i]), ids, [round(s, 6) for s in ranking.scores[i][kept].tolist()]))
    return found


# Citizens encoded and scored at once: a worker holds one chunk's encodings, not its block's (a
# worker ranking a 77k-citizen block whole, from profiles, peaked at 1.66 GB).
CITIZENS_PER_CHUNK = 8_192


def rank_block(space: SkillSpace, model: ScoringModel, block: Block, *, top_n: int) -> BlockRanking:
    """Every pair of the block scored by the final scorer, in matrix form (block_scoring.py: the
    same log-odds as `pair_features` + the model); each citizen's top_n feasible openings. The
    openings are prepared once, the citizens encoded and scored a chunk at a time."""
    terms = linear_terms(model)
    obox = opening_block(space, block.openings)
    openings = opening_side(terms, obox)
    n = len(block.citizens)
    ranked = np.full((n, top_n), -1, dtype=np.int32)
    scores = np.zeros((n, top_n), dtype=np.float32)
    for start in range(0, n, CITIZENS_PER_CHUNK):
        stop = min(start + CITIZENS_PER_CHUNK, n)
        cbox = citizen_block(space, obox, block.citizens.rows(start, stop))
        ranked[start:stop], scores[start:stop] = _compact(*BlockScorer.of(terms, cbox, openings).top(top_n))
    return BlockRanking(block.region, ranked, scores)


def _compact(ranked: IntArray, scores: FloatArray) -> tuple[npt.NDArray[np.int32], npt.NDArray[np.float32]]:
    return ranked.astype(np.int32), np.round(scores, 6).astype(np.float32)


def rank_block_pairwise(space: SkillSpace, model: ScoringModel, block: Block, *, top_n: int) -> BlockRanking:
    """The same lists through the per-pair path (a feature row per pair): the baseline
    `rank_block` is measured against, and a second check that both agree."""
    obox = opening_block(space, block.openings)
    cbox = citizen_block(space, obox, block.citizens)
    n_o = len(block.openings)
    per_chunk = max(1, PAIRS_PER_CHUNK // max(n_o, 1))
    opening_lists: list[IntArray] = []
    score_lists: list[FloatArray] = []
    for start in range(0, len(block.citizens), per_chunk):
        stop = min(start + per_chunk, len(block.citizens))
        citizen = np.repeat(np.arange(start, stop, dtype=np.int64), n_o)
        opening = np.tile(np.arange(n_o, dtype=np.int64), stop - start)
        scored = score_pairs(model, cbox, obox, citizen, opening)
        score = np.where(scored.features.excluded, -1.0, scored.scores)
        top = top_per_row(stop - start, citizen - start, opening, score, top_n)
        opening_lists.append(top.opening)
        score_lists.append(top.score)
    ranked = np.concatenate(opening_lists) if opening_lists else np.zeros((0, top_n), dtype=np.int64)
    scores = np.concatenate(score_lists) if score_lists else np.zeros((0, top_n))
    return BlockRanking(block.region, *_compact(ranked, np.where(ranked >= 0, scores, 0.0)))


def exhaustive_top(
    space: SkillSpace,
    model: ScoringModel,
    citizens: Sequence[CitizenProfile],
    openings: Sequence[OpeningProfile],
    *,
    top_n: int,
    regions: CommutingRegions = APPROXIMATE_REGIONS,
) -> dict[str, list[str]]:
    """The reference: each citizen scored against every open opening in the country, the
    commuting-region rule applied after scoring. Slow; for checking samples."""
    every = [o for o in openings if o.status == "open"]
    region = np.array([regions(o.municipality) for o in every])
    obox = opening_block(space, every)
    cbox = citizen_block(space, obox, list(citizens))
    result: dict[str, list[str]] = {}
    for i, c in enumerate(citizens):
        citizen = np.full(len(every), i, dtype=np.int64)
        opening = np.arange(len(every), dtype=np.int64)
        scored = score_pairs(model, cbox, obox, citizen, opening)
        allowed = ~scored.features.excluded & (region == regions(c.municipality))
        score = np.where(allowed, scored.scores, -1.0)
        top = top_per_row(1, np.zeros(len(every), dtype=np.int64), opening, score, top_n).opening[0]
        result[c.id] = [every[int(o)].id for o in top if o >= 0]
    return result


def agreement(ours: dict[str, list[str]], reference: dict[str, list[str]]) -> float:
    """Mean share of each reference top-n list that our list holds too (1 when there is nothing to find)."""
    shares = [len(set(ours.get(c, [])) & set(ids)) / len(ids) if ids else 1.0 for c, ids in reference.items()]
    return float(np.mean(shares)) if shares else 1.0
