"""Citizens and openings as aligned arrays and sparse matrices, ready for vectorised pair features."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse

from .arrays import BoolArray, FloatArray, IntArray
from .citizen_columns import CitizenColumns, citizen_columns
from .code_index import CodeIndex
from .profiles import CitizenProfile, OpeningProfile
from .skill_space import SkillSpace
from .sparse_lookup import SparseLookup
from .sparse_scaling import scale_columns, scale_rows

# An optional skill weighs half an essential one in the opening's TF-IDF vector.
OPTIONAL_SKILL_WEIGHT = 0.5


def l2_normalise(matrix: sparse.csr_matrix) -> sparse.csr_matrix:
    norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return scale_rows(matrix, 1.0 / norms)


@dataclass(frozen=True, eq=False)
class OpeningBlock:
    ids: list[str]
    essential: sparse.csr_matrix
    optional: sparse.csr_matrix
    tfidf: sparse.csr_matrix
    idf: FloatArray
    hours_min: FloatArray
    hours_max: FloatArray
    seats: IntArray
    offered: sparse.csr_matrix
    flexjob: BoolArray
    lat: FloatArray
    lon: FloatArray
    occupation: IntArray
    accelerator_progress: FloatArray
    support_index: CodeIndex
    occupation_index: CodeIndex
    # Rows per opening, weighted by skill specificity: its own essential skills, and its ESCO
    # occupation's essential skills and whole profile (the opening's own lists where the
    # occupation is unknown to the taxonomy).
    essential_specific: sparse.csr_matrix
    occupation_essential: sparse.csr_matrix
    occupation_profile: sparse.csr_matrix

    def __len__(self) -> int:
        return len(self.ids)

    @functools.cached_property
    def offered_lookup(self) -> SparseLookup:
        return SparseLookup(self.offered)


@dataclass(frozen=True, eq=False)
class CitizenBlock:
    ids: list[str]
    skills: sparse.csr_matrix
    credit: sparse.csr_matrix  # best partial credit towards every skill (SkillSpace.expand)
    tfidf: sparse.csr_matrix
    capacity: FloatArray
    essential_needs: sparse.csr_matrix
    other_needs: sparse.csr_matrix
    interests: sparse.csr_matrix
    flexjob: BoolArray
    lat: FloatArray
    lon: FloatArray
    specificity_mass: FloatArray  # sum of the specificity of the citizen's skills

    def __len__(self) -> int:
        return len(self.ids)

    @functools.cached_property
    def skills_lookup(self) -> SparseLookup:
        return SparseLookup(self.skills)

    @functools.cached_property
    def credit_lookup(self) -> SparseLookup:
        return SparseLookup(self.credit)

    @functools.cached_property
    def tfidf_lookup(self) -> SparseLookup:
        return SparseLookup(self.tfidf)

    @functools.cached_property
    def interests_lookup(self) -> SparseLookup:
        return SparseLookup(self.interests)


def coordinates(locations: Sequence[tuple[float, float] | None]) -> tuple[FloatArray, FloatArray]:
    lat = np.array([loc[0] if loc else np.nan for loc in locations], dtype=np.float64)
    lon = np.array([loc[1] if loc else np.nan for loc in locations], dtype=np.float64)
    return lat, lon


def _occupation_rows(
    space: SkillSpace, openings: Sequence[OpeningProfile], of_taxonomy: sparse.csr_matrix, own: sparse.csr_matrix
) -> sparse.csr_matrix:
    """Each opening's row of `of_taxonomy` (by its occupation), or its `own` row where the
    taxonomy does not know the occupation or lists nothing for it."""
    found = [space.occupation_row(o.occupation) for o in openings]
    rows = np.array([r if r is not None else 0 for r in found], dtype=np.int64)
    taken = sparse.csr_matrix(of_taxonomy[rows]) if len(rows) else sparse.csr_matrix(own.shape)
    known = np.array([r is not None for r in found], dtype=np.bool_) & (np.diff(taken.indptr) > 0)
    mixed = sparse.diags(known.astype(np.float64)) @ taken + sparse.diags((~known).astype(np.float64)) @ own
    return sparse.csr_matrix(mixed)


def opening_block(space: SkillSpace, openings: Sequence[OpeningProfile]) -> OpeningBlock:
    """Encode openings. Skills weigh by their specificity over the taxonomy's occupations
    (`SkillSpace.specificity`), the same in every block, so a pair scores the same wherever it is scored."""
    essential = space.encode([o.essential_skills for o in openings])
    optional = space.encode([o.optional_skills - o.essential_skills for o in openings])
    idf = space.specificity
    weight = sparse.diags(idf)
    weighted = (essential + optional * OPTIONAL_SKILL_WEIGHT) @ sparse.diags(idf)
    support_index = CodeIndex()
    offered = support_index.encode([o.support_offered for o in openings], grow=True)
    occupation_index = CodeIndex(o.occupation for o in openings)
    lat, lon = coordinates([(o.location.lat, o.location.lon) if o.location else None for o in openings])
    return OpeningBlock(
        ids=[o.id for o in openings],
        essential=essential,
        optional=optional,
        tfidf=l2_normalise(sparse.csr_matrix(weighted)),
        idf=idf,
        hours_min=np.array([o.hours_min for o in openings], dtype=np.float64),
        hours_max=np.array([o.hours_max for o in openings], dtype=np.float64),
        seats=np.array([o.seats for o in openings], dtype=np.int64),
        offered=offered,
        flexjob=np.array([o.flexjob for o in openings], dtype=np.bool_),
        lat=lat,
        lon=lon,
        occupation=np.array([occupation_index.index[o.occupation] for o in openings], dtype=np.int64),
        accelerator_progress=np.array([o.accelerator_progress for o in openings], dtype=np.float64),
        support_index=support_index,
        occupation_index=occupation_index,
        essential_specific=sparse.csr_matrix(essential @ weight),
        occupation_essential=sparse.csr_matrix(
            _occupation_rows(space, openings, space.occupation_essential, essential) @ weight
        ),
        occupation_profile=sparse.csr_matrix(
            _occupation_rows(space, openings, space.occupation_profile, essential + optional) @ weight
        ),
    )


def _recoded(matrix: sparse.csr_matrix, to: IntArray, width: int) -> sparse.csr_matrix:
    """Rows with column j moved to column to[j] (dropped where to[j] < 0), as 0/1 floats, each
    row's columns in order. `to` maps distinct codes to distinct columns, so no entries collide."""
    n_rows = matrix.shape[0]
    row = np.repeat(np.arange(n_rows, dtype=np.int64), np.diff(matrix.indptr))
    column = to[matrix.indices]
    kept = column >= 0
    row, column = row[kept], column[kept]
    order = np.lexsort((column, row))
    indptr = np.concatenate([np.zeros(1, dtype=np.int64), np.cumsum(np.bincount(row, minlength=n_rows))])
    values = np.ones(len(column), dtype=np.float64)
    return sparse.csr_matrix((values, column[order], indptr), shape=(n_rows, max(width, 1)))


def citizen_block(
    space: SkillSpace, openings: OpeningBlock, citizens: Sequence[CitizenProfile] | CitizenColumns
) -> CitizenBlock:
    """Encode citizens against the openings' IDF and vocabularies: support needs join the openings'
    support codes; interests in occupations none of the openings has are dropped."""
    columns = citizens if isinstance(citizens, CitizenColumns) else citizen_columns(space, citizens)
    skills = sparse.csr_matrix(columns.skills, dtype=np.float64)
    supports = np.array([openings.support_index.add(code) for code in columns.supports], dtype=np.int64)
    known = openings.occupation_index.index
    occupations = np.array([known.get(code, -1) for code in columns.occupations], dtype=np.int64)
    return CitizenBlock(
        ids=columns.ids.tolist(),
        skills=skills,
        credit=space.expand(skills),
        tfidf=l2_normalise(scale_columns(skills, openings.idf)).astype(np.float32),
        capacity=columns.capacity,
        essential_needs=_recoded(columns.essential_needs, supports, len(openings.support_index)),
        other_needs=_recoded(columns.other_needs, supports, len(openings.support_index)),
        interests=_recoded(columns.interests, occupations, len(openings.occupation_index)),
        flexjob=columns.flexjob,
        lat=columns.lat,
        lon=columns.lon,
        specificity_mass=np.asarray(skills @ space.specificity, dtype=np.float64).ravel(),
    )
