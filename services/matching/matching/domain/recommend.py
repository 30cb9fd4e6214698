"""Ranked, explained recommendations: openings for a citizen, and citizens for an opening."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
from scipy import sparse

from taxonomy import Taxonomy

from .arrays import BoolArray, IntArray
from .block_scoring import BlockScorer, LinearTerms, OpeningSide, linear_terms, opening_side
from .blocks import CitizenBlock, OpeningBlock, citizen_block, opening_block
from .explanation import Explanation, RequiredSkill, explain, required_skills
from .features import PairFeatures, pair_features
from .geo import haversine_km
from .profiles import CitizenProfile, OpeningProfile
from .ranking import ScoringModel
from .retrieval import citizen_queries, opening_index, opening_profiles, top_candidates
from .skill_space import SkillSpace

# Openings for a citizen: every opening of the catalogue is scored exactly by the matrix scorer.
# Citizens for an opening (and a model that is not linear): up to this many every pair is scored
# exactly; above it candidates come from the sparse retrieval, over-fetched so that filters and
# exclusions still leave enough.
EXHAUSTIVE_LIMIT = 2_000
CANDIDATE_POOL = 400


@dataclass(frozen=True)
class Filters:
    max_distance_km: float | None = None
    min_hours: float | None = None
    flexjob_only: bool = False


@dataclass(frozen=True)
class Recommendation:
    citizen_id: str
    opening_id: str
    score: float
    rank: int
    explanation: Explanation


@dataclass(frozen=True)
class ScoredPairs:
    features: PairFeatures
    scores: npt.NDArray[np.float64]
    contributions: npt.NDArray[np.float64]
    intercept: float


def score_pairs(
    model: ScoringModel, citizens: CitizenBlock, openings: OpeningBlock, citizen: IntArray, opening: IntArray
) -> ScoredPairs:
    """Features, scores and contributions of the pairs; excluded pairs score 0."""
    features = pair_features(citizens, openings, citizen, opening)
    scores = np.where(features.excluded, 0.0, model.predict(features.values))
    return ScoredPairs(features, scores, model.contributions(features.values), float(model.intercept))


def distance_allowed(features: PairFeatures, filters: Filters) -> BoolArray:
    if filters.max_distance_km is None:
        return np.ones(len(features.citizen), dtype=np.bool_)
    # An unknown location cannot be shown to be within the distance asked for.
    return np.asarray(np.nan_to_num(features.distance_km, nan=np.inf) <= filters.max_distance_km, dtype=np.bool_)


def best(scored: ScoredPairs, allowed: BoolArray, limit: int) -> IntArray:
    keep = np.flatnonzero(allowed & ~scored.features.excluded)
    order = np.lexsort((keep, -scored.scores[keep]))
    return np.asarray(keep[order][:limit], dtype=np.int64)


@dataclass(frozen=True)
class OpeningCatalogue:
    """A set of open openings encoded once, with its retrieval index and, per scoring model, its
    side of the matrix scorer (reused across requests)."""

    openings: list[OpeningProfile]
    block: OpeningBlock
    index: sparse.csr_matrix
    sides: dict[tuple[float, ...], OpeningSide] = field(default_factory=dict, compare=False, repr=False)
    # Each opening's skills as explanations list them, kept once asked for (labels and order).
    required: dict[int, list[RequiredSkill]] = field(default_factory=dict, compare=False, repr=False)

    def required_skills(self, taxonomy: Taxonomy, i: int) -> list[RequiredSkill]:
        found = self.required.get(i)
        if found is None:
            found = self.required[i] = required_skills(taxonomy, self.openings[i])
        return found

    def side(self, terms: LinearTerms) -> OpeningSide:
        key = (terms.intercept, *terms.weights.tolist())
        found = self.sides.get(key)
        if found is None:
            found = self.sides[key] = opening_side(terms, self.block)
        return found

    @classmethod
    def build(cls, space: SkillSpace, openings: Sequence[OpeningProfile]) -> OpeningCatalogue:
        open_ones = [o for o in openings if o.status == "open"]
        block = opening_block(space, open_ones)
        return cls(open_ones, block, opening_index(block))


def opening_filter(block: OpeningBlock, opening: IntArray, filters: Filters) -> BoolArray:
    allowed = np.ones(len(opening), dtype=np.bool_)
    if filters.flexjob_only:
        allowed &= block.flexjob[opening]
    if filters.min_hours is not None:
        allowed &= block.hours_max[opening] >= filters.min_hours
    return allowed


def _best_of_catalogue(
    model: ScoringModel, catalogue: OpeningCatalogue, cbox: CitizenBlock, filters: Filters, limit: int
) -> IntArray | None:
    """The citizen's best `limit` allowed openings of the whole catalogue by the final score, through
    the matrix scorer (block_scoring.py: every opening scored exactly, no retrieval); None for a
    model that is not linear in log-odds."""
    try:
        terms = linear_terms(model)
    except ValueError:
        return None
    side = catalogue.side(terms)
    logit = BlockScorer.of(terms, cbox, side).log_odds(0, 1)[0]
    every = np.arange(len(catalogue.openings), dtype=np.int64)
    allowed = np.isfinite(logit) & opening_filter(catalogue.block, every, filters)
    if filters.max_distance_km is not None:
        obox = catalogue.block
        distance = haversine_km(cbox.lat[0], cbox.lon[0], obox.lat, obox.lon)
        allowed &= np.nan_to_num(distance, nan=np.inf) <= filters.max_distance_km
    keep = np.flatnonzero(allowed)
    order = np.lexsort((keep, -logit[keep]))
    return np.asarray(keep[order][:limit], dtype=np.int64)


def recommend_openings(
    space: SkillSpace,
    model: ScoringModel,
    citizen: CitizenProfile,
    openings: Sequence[OpeningProfile] | OpeningCatalogue,
    *,
    limit: int,
    filters: Filters = Filters(),
) -> list[Recommendation]:
    """Openings ranked for one citizen (the caller checks consent and tenancy)."""
    catalogue = openings if isinstance(openings, OpeningCatalogue) else OpeningCatalogue.build(space, openings)
    if not catalogue.openings:
        return []
    obox = catalogue.block
    cbox = citizen_block(space, obox, [citizen])
    opening = _best_of_catalogue(model, catalogue, cbox, filters, limit)
    if opening is None:
        if len(catalogue.openings) <= EXHAUSTIVE_LIMIT:
            opening = np.arange(len(catalogue.openings), dtype=np.int64)
        else:
            query = citizen_queries(space, cbox.skills)
            opening = top_candidates(query, catalogue.index, CANDIDATE_POOL).target
    citizen_idx = np.zeros(len(opening), dtype=np.int64)
    scored = score_pairs(model, cbox, obox, citizen_idx, opening)
    allowed = distance_allowed(scored.features, filters) & opening_filter(obox, opening, filters)
    chosen = best(scored, allowed, limit)
    held = held_credits(cbox, 0)
    served = []
    for rank, i in enumerate(chosen, start=1):
        j = int(scored.features.opening[i])
        required = catalogue.required_skills(space.taxonomy, j)
        served.append(build(space, scored, i, rank, citizen, catalogue.openings[j], held, required))
    return served


def recommend_citizens(
    space: SkillSpace,
    model: ScoringModel,
    opening: OpeningProfile,
    citizens: Sequence[CitizenProfile],
    *,
    limit: int,
    filters: Filters = Filters(),
) -> list[Recommendation]:
    """Citizens ranked for one opening; citizens without matching consent are never scored."""
    eligible = [
        c
        for c in citizens
        if c.consent
        and (not filters.flexjob_only or c.flexjob)
        and (filters.min_hours is None or c.work_capacity_hours >= filters.min_hours)
    ]
    if not eligible:
        return []
    obox = opening_block(space, [opening])
    cbox = citizen_block(space, obox, eligible)
    if len(eligible) <= EXHAUSTIVE_LIMIT:
        citizen = np.arange(len(eligible), dtype=np.int64)
    else:
        index = sparse.csr_matrix(citizen_queries(space, cbox.skills).T)
        citizen = top_candidates(opening_profiles(obox), index, CANDIDATE_POOL).target
    opening_idx = np.zeros(len(citizen), dtype=np.int64)
    scored = score_pairs(model, cbox, obox, citizen, opening_idx)
    chosen = best(scored, distance_allowed(scored.features, filters), limit)
    required = required_skills(space.taxonomy, opening)
    served = []
    for rank, i in enumerate(chosen, start=1):
        row = int(scored.features.citizen[i])
        served.append(build(space, scored, i, rank, eligible[row], opening, held_credits(cbox, row), required))
    return served


def held_credits(cbox: CitizenBlock, row: int) -> dict[int, float]:
    """The citizen's credit per skill column (the skills held and those they earn credit towards)."""
    # Plain dict look-ups in the citizen's one row: a few dozen codes do not pay for numpy calls.
    start, stop = int(cbox.credit.indptr[row]), int(cbox.credit.indptr[row + 1])
    return dict(zip(cbox.credit.indices[start:stop].tolist(), cbox.credit.data[start:stop].tolist(), strict=True))


def credits_towards(
    space: SkillSpace, held: Mapping[int, float], required: Sequence[RequiredSkill]
) -> dict[str, float]:
    """The citizen's best credit towards each of the opening's skills (unknown codes earn 0)."""
    return {code: round(held.get(space.index.get(code, -1), 0.0), 4) for code, _, _ in required}


def build(
    space: SkillSpace,
    scored: ScoredPairs,
    i: int,
    rank: int,
    citizen: CitizenProfile,
    opening: OpeningProfile,
    held: Mapping[int, float],
    required: Sequence[RequiredSkill],
) -> Recommendation:
    explanation = explain(
        space.taxonomy,
        citizen,
        opening,
        feature_values=scored.features.values[i].tolist(),
        contributions=scored.contributions[i].tolist(),
        intercept=scored.intercept,
        distance_km=float(scored.features.distance_km[i]),
        credits=credits_towards(space, held, required),
        required=required,
    )
    return Recommendation(citizen.id, opening.id, round(float(scored.scores[i]), 6), rank, explanation)
