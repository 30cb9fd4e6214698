"""Top-n openings for many citizens at once: sparse retrieval, then features and model re-ranking."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse

from .arrays import FloatArray, IntArray
from .blocks import OpeningBlock, citizen_block, opening_block
from .profiles import CitizenProfile, OpeningProfile
from .ranking import ScoringModel
from .recommend import score_pairs
from .retrieval import citizen_queries, opening_index, top_candidates
from .skill_space import SkillSpace


@dataclass(frozen=True)
class TopLists:
    """Row i: the best openings for citizen i (-1 where fewer than n were eligible)."""

    opening: IntArray
    score: FloatArray


def batch_top_n(
    space: SkillSpace,
    model: ScoringModel,
    openings: OpeningBlock,
    index: sparse.csr_matrix,
    citizens: Sequence[CitizenProfile],
    *,
    top_n: int,
    pool: int,
    threads: int = 1,
) -> TopLists:
    """Retrieve `pool` candidates per citizen, score them with the model, keep the best `top_n`."""
    cbox = citizen_block(space, openings, citizens)
    candidates = top_candidates(citizen_queries(space, cbox.skills), index, pool, threads=threads)
    scored = score_pairs(model, cbox, openings, candidates.query, candidates.target)
    score = np.where(scored.features.excluded, -1.0, scored.scores)
    return top_per_row(len(citizens), candidates.query, candidates.target, score, top_n)


def top_per_row(n_rows: int, row: IntArray, col: IntArray, score: FloatArray, top_n: int) -> TopLists:
    """The top_n (col, score) of each row by score, ties by column; negative scores dropped."""
    keep = score >= 0
    row, col, score = row[keep], col[keep], score[keep]
    order = np.lexsort((col, -score, row))
    row, col, score = row[order], col[order], score[order]
    first = np.searchsorted(row, np.arange(n_rows))
    rank = np.arange(len(row)) - first[row]
    within = rank < top_n
    opening = np.full((n_rows, top_n), -1, dtype=np.int64)
    best = np.zeros((n_rows, top_n), dtype=np.float64)
    opening[row[within], rank[within]] = col[within]
    best[row[within], rank[within]] = score[within]
    return TopLists(opening=opening, score=best)


# Up to this many pairs every pair is scored; above it each side keeps its retrieved candidates.
ALL_PAIRS_LIMIT = 2_000_000


@dataclass(frozen=True)
class Edges:
    """Eligible scored pairs (never excluded ones) between a set of citizens and openings."""

    citizen: IntArray
    opening: IntArray
    score: FloatArray


def eligible_edges(
    space: SkillSpace,
    model: ScoringModel,
    citizens: Sequence[CitizenProfile],
    openings: Sequence[OpeningProfile],
    *,
    per_citizen: int = 20,
) -> Edges:
    """All eligible pairs when few, else each citizen's `per_citizen` best retrieved openings."""
    if not citizens or not openings:
        empty = np.zeros(0, dtype=np.int64)
        return Edges(empty, empty, np.zeros(0, dtype=np.float64))
    obox = opening_block(space, openings)
    cbox = citizen_block(space, obox, citizens)
    if len(citizens) * len(openings) <= ALL_PAIRS_LIMIT:
        citizen = np.repeat(np.arange(len(citizens), dtype=np.int64), len(openings))
        opening = np.tile(np.arange(len(openings), dtype=np.int64), len(citizens))
    else:
        found = top_candidates(citizen_queries(space, cbox.skills), opening_index(obox), per_citizen * 2, threads=2)
        citizen, opening = found.query, found.target
    scored = score_pairs(model, cbox, obox, citizen, opening)
    keep = ~scored.features.excluded & (scored.scores > 0)
    return Edges(citizen[keep], opening[keep], scored.scores[keep])


def top_citizens_per_opening(
    space: SkillSpace,
    model: ScoringModel,
    citizens: Sequence[CitizenProfile],
    openings: Sequence[OpeningProfile],
    *,
    top_n: int = 10,
) -> list[list[int]]:
    """For each opening, the indices of its `top_n` best citizens (the lists caseworkers read)."""
    edges = eligible_edges(space, model, citizens, openings, per_citizen=max(top_n, 20))
    lists = top_per_row(len(openings), edges.opening, edges.citizen, edges.score, top_n).opening
    return [[int(c) for c in row if c >= 0] for row in lists]
