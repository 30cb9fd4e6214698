"""Citizens as compact columns: what the national run holds and ships instead of profile objects.

A `CitizenProfile` costs kilobytes as Python objects (frozensets of skill codes), and the parent of
a national run holds every consenting citizen of the country (460k profiles: 2.7 GB). As columns a
citizen costs about a hundred bytes: skills as a boolean CSR matrix over the skill space, support
needs and interests as boolean CSR matrices over the codes the citizens name (kept beside them), a
number per citizen for the rest. `blocks.citizen_block` encodes columns; profiles go through
`citizen_columns` first, so every path encodes citizens the same way.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy import sparse

from .arrays import BoolArray, FloatArray
from .code_index import CodeIndex
from .profiles import CitizenProfile
from .skill_space import SkillSpace


@dataclass(frozen=True, eq=False)
class CitizenColumns:
    ids: npt.NDArray[np.str_]
    skills: sparse.csr_matrix  # citizens x skill space (codes outside the taxonomy dropped)
    capacity: FloatArray
    essential_needs: sparse.csr_matrix  # citizens x `supports`
    other_needs: sparse.csr_matrix  # citizens x `supports`: the needs that are not essential
    interests: sparse.csr_matrix  # citizens x `occupations`
    flexjob: BoolArray
    lat: FloatArray
    lon: FloatArray
    supports: tuple[str, ...]
    occupations: tuple[str, ...]

    def __len__(self) -> int:
        return len(self.ids)

    def rows(self, start: int, stop: int) -> CitizenColumns:
        """Citizens start..stop-1 (copies: a chunk outlives nothing of the whole)."""
        rows = slice(start, stop)
        return CitizenColumns(
            ids=self.ids[rows].copy(),
            skills=sparse.csr_matrix(self.skills[rows]),
            capacity=self.capacity[rows].copy(),
            essential_needs=sparse.csr_matrix(self.essential_needs[rows]),
            other_needs=sparse.csr_matrix(self.other_needs[rows]),
            interests=sparse.csr_matrix(self.interests[rows]),
            flexjob=self.flexjob[rows].copy(),
            lat=self.lat[rows].copy(),
            lon=self.lon[rows].copy(),
            supports=self.supports,
            occupations=self.occupations,
        )


def citizen_columns(space: SkillSpace, citizens: Sequence[CitizenProfile]) -> CitizenColumns:
    """The citizens as columns (all at once; `CitizenColumnsBuilder` takes them a chunk at a time)."""
    builder = CitizenColumnsBuilder(space)
    builder.add(citizens)
    return builder.build()


def _flags(matrix: sparse.csr_matrix) -> sparse.csr_matrix:
    return sparse.csr_matrix(matrix, dtype=np.bool_)


def _stacked(chunks: list[sparse.csr_matrix], width: int) -> sparse.csr_matrix:
    """Row chunks stacked, each widened to `width` columns (code lists grow as chunks arrive)."""
    if len(chunks) == 1:  # one request's citizen: widen without copying
        only = chunks[0]
        return sparse.csr_matrix((only.data, only.indices, only.indptr), shape=(only.shape[0], max(width, 1)))
    offsets = np.cumsum([0, *(int(c.indptr[-1]) for c in chunks)])
    indptr = [np.zeros(1, dtype=np.int64)]
    indptr += [c.indptr[1:].astype(np.int64) + offset for c, offset in zip(chunks, offsets[:-1], strict=True)]
    data = np.concatenate([np.ones(0, dtype=np.bool_), *(c.data for c in chunks)])
    indices = np.concatenate([np.zeros(0, dtype=np.int32), *(c.indices for c in chunks)])
    rows = sum(c.shape[0] for c in chunks)
    return sparse.csr_matrix((data, indices, np.concatenate(indptr)), shape=(rows, max(width, 1)))


class CitizenColumnsBuilder:
    """Columns gathered a chunk of profiles at a time: the caller can drop each chunk's profiles."""

    def __init__(self, space: SkillSpace) -> None:
        self.space = space
        self.supports = CodeIndex()
        self.occupations = CodeIndex()
        self._chunks: list[CitizenColumns] = []

    def add(self, citizens: Sequence[CitizenProfile]) -> None:
        lat = np.array([c.location.lat if c.location else np.nan for c in citizens], dtype=np.float64)
        lon = np.array([c.location.lon if c.location else np.nan for c in citizens], dtype=np.float64)
        essential = self.supports.encode([c.essential_support_needs for c in citizens], grow=True)
        other = self.supports.encode([c.other_support_needs - c.essential_support_needs for c in citizens], grow=True)
        self._chunks.append(
            CitizenColumns(
                ids=np.array([c.id for c in citizens], dtype=np.str_),
                skills=_flags(self.space.encode([c.skills for c in citizens])),
                capacity=np.array([c.work_capacity_hours for c in citizens], dtype=np.float64),
                essential_needs=_flags(essential),
                other_needs=_flags(other),
                interests=_flags(self.occupations.encode([c.interests for c in citizens], grow=True)),
                flexjob=np.array([c.flexjob for c in citizens], dtype=np.bool_),
                lat=lat,
                lon=lon,
                supports=(),
                occupations=(),
            )
        )

    def __len__(self) -> int:
        return sum(len(c) for c in self._chunks)

    def build(self) -> CitizenColumns:
        """Every citizen added so far, in the order added (the chunks are merged into one)."""
        chunks = self._chunks
        supports, occupations = len(self.supports), len(self.occupations)
        merged = CitizenColumns(
            ids=np.concatenate([np.zeros(0, dtype=np.str_), *(c.ids for c in chunks)]),
            skills=_stacked([c.skills for c in chunks], self.space.size),
            capacity=np.concatenate([np.zeros(0), *(c.capacity for c in chunks)]),
            essential_needs=_stacked([c.essential_needs for c in chunks], supports),
            other_needs=_stacked([c.other_needs for c in chunks], supports),
            interests=_stacked([c.interests for c in chunks], occupations),
            flexjob=np.concatenate([np.zeros(0, dtype=np.bool_), *(c.flexjob for c in chunks)]),
            lat=np.concatenate([np.zeros(0), *(c.lat for c in chunks)]),
            lon=np.concatenate([np.zeros(0), *(c.lon for c in chunks)]),
            supports=tuple(self.supports.index),
            occupations=tuple(self.occupations.index),
        )
        self._chunks = [merged]
        return merged
