"""Ranking quality on look-alike cases: the system's scorer against two plain-search baselines.

Every ranker answers, for each citizen, its top-10 openings among all of them. Metrics:
hit@1 (the first opening is of the citizen's own occupation), MRR@10 (mean reciprocal rank of
the first such opening, 0 beyond 10), hit@5, and infeasible@5 (share of top-5 slots the citizen
cannot take: too few hours or an essential support need not offered).
Baselines: a plain cosine of binary skill vectors, and an IDF-weighted cosine with a hard
feasibility filter (issue 18's two).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy import sparse

from .batch import top_per_row
from .blocks import citizen_block, l2_normalise, opening_block
from .features import FEATURES, pair_features
from .lookalike import LookalikeCases, feasible

__all__ = ["feasible"]
from .arrays import FloatArray, IntArray
from .ranking import ScoringModel
from .recommend import score_pairs
from .skill_space import SkillSpace

TOP = 10


@dataclass(frozen=True)
class RankingQuality:
    hit_at_1: float
    mrr_at_10: float
    hit_at_5: float
    infeasible_at_5: float

    def as_row(self) -> str:
        return (
            f"hit@1 {self.hit_at_1:.3f}  MRR@10 {self.mrr_at_10:.3f}  "
            f"hit@5 {self.hit_at_5:.3f}  infeasible@5 {self.infeasible_at_5:.3f}"
        )


Ranker = Callable[[SkillSpace, LookalikeCases], IntArray]


def quality(cases: LookalikeCases, lists: IntArray) -> RankingQuality:
    """The four metrics of top-10 lists (row per citizen, -1 where shorter)."""
    occupation = np.array([o.occupation for o in cases.openings] + [""])
    right = occupation[lists] == np.array(cases.truth)[:, None]
    first = np.where(right.any(axis=1), right.argmax(axis=1) + 1, 0)
    reciprocal = np.where(first > 0, 1.0 / np.maximum(first, 1), 0.0)
    top5 = [(citizen, int(o)) for citizen, row in zip(cases.citizens, lists[:, :5], strict=True) for o in row if o >= 0]
    infeasible = sum(not feasible(citizen, cases.openings[o]) for citizen, o in top5)
    return RankingQuality(
        hit_at_1=float(right[:, 0].mean()),
        mrr_at_10=float(reciprocal.mean()),
        hit_at_5=float(right[:, :5].any(axis=1).mean()),
        infeasible_at_5=infeasible / max(1, len(top5)),
    )


def _top_of_dense(scores: FloatArray, allowed: npt.NDArray[np.bool_] | None = None) -> IntArray:
    n_rows, n_cols = scores.shape
    rows = np.repeat(np.arange(n_rows, dtype=np.int64), n_cols)
    cols = np.tile(np.arange(n_cols, dtype=np.int64), n_rows)
    keep = np.ones(rows.shape, dtype=np.bool_) if allowed is None else allowed.ravel()
    return top_per_row(n_rows, rows[keep], cols[keep], scores.ravel()[keep], TOP).opening


def _skill_matrices(space: SkillSpace, cases: LookalikeCases) -> tuple[sparse.csr_matrix, sparse.csr_matrix]:
    citizens = space.encode([c.skills for c in cases.citizens])
    openings = space.encode([o.essential_skills | o.optional_skills for o in cases.openings])
    return citizens, openings


def feasibility(cases: LookalikeCases) -> npt.NDArray[np.bool_]:
    return np.array([[feasible(c, o) for o in cases.openings] for c in cases.citizens], dtype=np.bool_)


def plain_cosine(space: SkillSpace, cases: LookalikeCases) -> IntArray:
    """Baseline 1: cosine of binary skill vectors, nothing else."""
    citizens, openings = _skill_matrices(space, cases)
    scores = (l2_normalise(citizens) @ l2_normalise(openings).T).toarray()
    return _top_of_dense(np.asarray(scores, dtype=np.float64))


def idf_cosine(space: SkillSpace, cases: LookalikeCases) -> IntArray:
    """Baseline 2: cosine of IDF-weighted skill vectors (IDF over the openings), infeasible openings removed."""
    citizens, openings = _skill_matrices(space, cases)
    weight = sparse.diags(space.idf(openings))
    scores = l2_normalise(sparse.csr_matrix(citizens @ weight)) @ l2_normalise(sparse.csr_matrix(openings @ weight)).T
    return _top_of_dense(np.asarray(scores.toarray(), dtype=np.float64), feasibility(cases))


def system(model: ScoringModel) -> Ranker:
    """The served scorer: every pair scored by `model`, excluded pairs never ranked."""

    def rank(space: SkillSpace, cases: LookalikeCases) -> IntArray:
        obox = opening_block(space, cases.openings)
        cbox = citizen_block(space, obox, cases.citizens)
        n_c, n_o = len(cases.citizens), len(cases.openings)
        citizen = np.repeat(np.arange(n_c, dtype=np.int64), n_o)
        opening = np.tile(np.arange(n_o, dtype=np.int64), n_c)
        scored = score_pairs(model, cbox, obox, citizen, opening)
        keep = ~scored.features.excluded
        return top_per_row(n_c, citizen[keep], opening[keep], scored.scores[keep], TOP).opening

    return rank


# What the look-alike cases can teach: the skill evidence and the interest. Hours, support,
# distance, flexjob and accelerator weights stay set by hand (the cases hold them constant).
LEARNED = (
    "essential_specific_coverage",
    "optional_coverage",
    "skill_similarity",
    "occupation_coverage",
    "occupation_fit",
    "interest",
)


def pair_matrix(space: SkillSpace, cases: LookalikeCases) -> tuple[FloatArray, npt.NDArray[np.bool_]]:
    """Features of every (citizen, opening) pair (citizens x openings x FEATURES) and which are excluded."""
    obox = opening_block(space, cases.openings)
    cbox = citizen_block(space, obox, cases.citizens)
    n_c, n_o = len(cases.citizens), len(cases.openings)
    citizen = np.repeat(np.arange(n_c, dtype=np.int64), n_o)
    opening = np.tile(np.arange(n_o, dtype=np.int64), n_c)
    pairs = pair_features(cbox, obox, citizen, opening)
    return pairs.values.reshape(n_c, n_o, -1), pairs.excluded.reshape(n_c, n_o)


def fit_ranking_weights(
    space: SkillSpace, training: list[LookalikeCases], start: ScoringModel, *, hard_negatives: int = 60
) -> dict[str, float]:
    """Pairwise logistic regression (feasible right opening vs each of the `hard_negatives`
    best-scored feasible wrong ones under `start`) on the LEARNED features: weights for the
    default model, fitted on training seeds and judged on held-out ones."""
    from sklearn.linear_model import LogisticRegression

    columns = [FEATURES.index(name) for name in LEARNED]
    rng = np.random.default_rng(0)
    differences, labels = [], []
    for cases in training:
        values, excluded = pair_matrix(space, cases)
        start_scores = start.predict(values.reshape(-1, values.shape[-1])).reshape(excluded.shape)
        occupation = np.array([o.occupation for o in cases.openings])
        for i, truth in enumerate(cases.truth):
            right = (occupation == truth) & ~excluded[i]
            wrong = np.flatnonzero((occupation != truth) & ~excluded[i])
            wrong = wrong[np.argsort(-start_scores[i, wrong])[:hard_negatives]]
            for p in np.flatnonzero(right):
                d = values[i, p, columns] - values[i, wrong][:, columns]
                flip = rng.random(len(d)) < 0.5
                differences.append(np.where(flip[:, None], -d, d))
                labels.append(~flip)
    fitted = LogisticRegression(C=1.0, max_iter=5000, fit_intercept=False).fit(
        np.concatenate(differences), np.concatenate(labels)
    )
    return {name: float(w) for name, w in zip(LEARNED, fitted.coef_[0], strict=True)}
