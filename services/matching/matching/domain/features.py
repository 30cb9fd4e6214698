"""Features of (citizen, opening) pairs, computed for many pairs at once.

| feature | meaning | range |
| --- | --- | --- |
| essential_coverage | mean credit over the opening's essential skills (1 when it lists none) | 0-1 |
| essential_specific_coverage | the same, each skill weighted by its specificity (IDF over ESCO's occupations) | 0-1 |
| optional_coverage | mean credit over its optional skills (1 when it lists none) | 0-1 |
| skill_similarity | cosine of specificity-weighted skill vectors: rare skills weigh more | 0-1 |
| occupation_coverage | specificity-weighted credit over all essential skills of the opening's ESCO occupation | 0-1 |
| occupation_fit | specificity-weighted share of the citizen's skills that the occupation lists at all | 0-1 |
| support_gap | share of the citizen's non-essential support needs the workplace does not offer | 0-1 |
| hours_fit | 0 when the citizen cannot work the minimum hours, else 0.5-1 (see hours.py) | 0-1 |
| proximity | exp(-distance / 15 km); 0.5 when either location is unknown | 0-1 |
| flexjob_match | 1 when the opening's flexjob status matches the citizen's (flexjob target group) | 0/1 |
| accelerator_progress | share of the company's accelerator milestones reached | 0-1 |
| interest | 1 when the opening's occupation is among the citizen's interests | 0/1 |

"Credit" is the taxonomy's partial credit (libs/taxonomy/taxonomy/credit.py): 1 for the skill
itself, 0.5 for a broader/narrower skill (ESCO's broaderRelationsSkillPillar) or a related one,
0.25 for a sibling in a small group. The occupation features read the whole ESCO profile of the
opening's occupation, not only the skills the employer wrote down: they tell look-alike
occupations apart (a cook's and a kitchen assistant's openings share most listed skills, their
occupations' profiles less so). Where the occupation is unknown they read the opening's own lists.

A pair is excluded (never recommended, never assigned) when the citizen has an essential
support need the workplace does not offer, or cannot work the opening's minimum hours.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import sparse

from .arrays import BoolArray, FloatArray, IntArray
from .blocks import CitizenBlock, OpeningBlock
from .geo import haversine_km
from .hours import hours_feasible, hours_fit
from .sparse_lookup import SparseLookup, row_counts, row_entries

FEATURES: tuple[str, ...] = (
    "essential_coverage",
    "essential_specific_coverage",
    "optional_coverage",
    "skill_similarity",
    "occupation_coverage",
    "occupation_fit",
    "support_gap",
    "hours_fit",
    "proximity",
    "flexjob_match",
    "accelerator_progress",
    "interest",
)
PROXIMITY_SCALE_KM = 15.0
UNKNOWN_PROXIMITY = 0.5


@dataclass(frozen=True)
class PairFeatures:
    """Feature matrix (pairs x FEATURES) with the facts explanations and filters need."""

    citizen: IntArray
    opening: IntArray
    values: FloatArray
    excluded: BoolArray
    unmet_essential_needs: IntArray
    distance_km: FloatArray

    def column(self, name: str) -> FloatArray:
        return self.values[:, FEATURES.index(name)]


def coverage(
    citizens: CitizenBlock, openings: OpeningBlock, citizen: IntArray, opening: IntArray
) -> tuple[FloatArray, FloatArray]:
    """Mean best credit over each opening's essential, and optional, skills (1 when it lists none)."""
    ess_owner, ess_skill, _ = row_entries(openings.essential, opening)
    opt_owner, opt_skill, _ = row_entries(openings.optional, opening)
    owner = np.concatenate([ess_owner, opt_owner])
    credit = citizens.credit_lookup(citizen[owner], np.concatenate([ess_skill, opt_skill]))
    result = []
    for part, required in ((credit[: len(ess_owner)], ess_owner), (credit[len(ess_owner) :], opt_owner)):
        total = np.bincount(required, weights=part, minlength=len(opening))
        counts = np.bincount(required, minlength=len(opening))
        result.append(np.where(counts > 0, total / np.maximum(counts, 1), 1.0))
    return result[0], result[1]


def weighted_credit(
    rows: sparse.csr_matrix, held: SparseLookup, citizen: IntArray, opening: IntArray, *, empty: float
) -> FloatArray:
    """Per pair: sum of weight x what the citizen holds over the opening's row / sum of weight
    (`empty` where the row is empty)."""
    owner, skill, weight = row_entries(rows, opening)
    got = held(citizen[owner], skill)
    total = np.bincount(owner, weights=weight * got, minlength=len(opening))
    mass = np.bincount(owner, weights=weight, minlength=len(opening))
    return np.asarray(np.where(mass > 0, total / np.maximum(mass, 1e-12), empty), dtype=np.float64)


def occupation_fit(citizens: CitizenBlock, openings: OpeningBlock, citizen: IntArray, opening: IntArray) -> FloatArray:
    """Specificity-weighted share of the citizen's skills that the opening's occupation lists."""
    owner, skill, weight = row_entries(openings.occupation_profile, opening)
    held = citizens.skills_lookup(citizen[owner], skill)
    listed = np.bincount(owner, weights=weight * held, minlength=len(opening))
    mass = citizens.specificity_mass[citizen]
    return np.asarray(np.where(mass > 0, listed / np.maximum(mass, 1e-12), 0.0), dtype=np.float64)


def skill_similarity(
    citizens: CitizenBlock, openings: OpeningBlock, citizen: IntArray, opening: IntArray
) -> FloatArray:
    owner, skill, weight = row_entries(openings.tfidf, opening)
    held = citizens.tfidf_lookup(citizen[owner], skill)
    return np.asarray(np.bincount(owner, weights=weight * held, minlength=len(opening)), dtype=np.float64)


def unmet_needs(
    needs: sparse.csr_matrix, openings: OpeningBlock, citizen: IntArray, opening: IntArray
) -> tuple[FloatArray, IntArray]:
    """(number of the citizen's needs in `needs` the workplace does not offer, number of needs)."""
    owner, need, _ = row_entries(needs, citizen)
    offered = openings.offered_lookup(opening[owner], need)
    unmet = np.asarray(np.bincount(owner, weights=1.0 - offered, minlength=len(citizen)), dtype=np.float64)
    return unmet, row_counts(needs, citizen)


def pair_features(citizens: CitizenBlock, openings: OpeningBlock, citizen: IntArray, opening: IntArray) -> PairFeatures:
    """Every feature of the pairs (citizen[i], opening[i]), plus exclusions."""
    citizen = np.asarray(citizen, dtype=np.int64)
    opening = np.asarray(opening, dtype=np.int64)
    unmet_essential, _ = unmet_needs(citizens.essential_needs, openings, citizen, opening)
    unmet_other, other_count = unmet_needs(citizens.other_needs, openings, citizen, opening)
    capacity = citizens.capacity[citizen]
    feasible_hours = hours_feasible(capacity, openings.hours_min[opening])
    distance = haversine_km(citizens.lat[citizen], citizens.lon[citizen], openings.lat[opening], openings.lon[opening])
    proximity = np.where(np.isnan(distance), UNKNOWN_PROXIMITY, np.exp(-np.nan_to_num(distance) / PROXIMITY_SCALE_KM))
    interest = citizens.interests_lookup(citizen, openings.occupation[opening])
    essential_coverage, optional_coverage = coverage(citizens, openings, citizen, opening)
    values = np.column_stack(
        [
            essential_coverage,
            weighted_credit(openings.essential_specific, citizens.credit_lookup, citizen, opening, empty=1.0),
            optional_coverage,
            skill_similarity(citizens, openings, citizen, opening),
            weighted_credit(openings.occupation_essential, citizens.credit_lookup, citizen, opening, empty=0.0),
            occupation_fit(citizens, openings, citizen, opening),
            np.where(other_count > 0, unmet_other / np.maximum(other_count, 1), 0.0),
            hours_fit(capacity, openings.hours_min[opening], openings.hours_max[opening]),
            proximity,
            (citizens.flexjob[citizen] == openings.flexjob[opening]).astype(np.float64),
            openings.accelerator_progress[opening],
            interest,
        ]
    )
    return PairFeatures(
        citizen=citizen,
        opening=opening,
        values=values,
        excluded=(unmet_essential > 0) | ~feasible_hours,
        unmet_essential_needs=unmet_essential.astype(np.int64),
        distance_km=distance,
    )
