"""Skills as matrix columns, with the taxonomy's partial credit as a sparse skill x skill matrix."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
from scipy import sparse

from taxonomy import Taxonomy

from .arrays import FloatArray


class SkillSpace:
    """Column index of every taxonomy skill, and credit[h, k] = what holding h earns towards k."""

    def __init__(self, taxonomy: Taxonomy) -> None:
        self.taxonomy = taxonomy
        self.codes: list[str] = list(taxonomy.skills)
        self.index: dict[str, int] = {code: i for i, code in enumerate(self.codes)}
        self.credit = self._credit_matrix()
        self.credit_levels: list[float] = sorted({float(v) for v in self.credit.data})
        # Credits of 0.5 and more (exact, broader/narrower, related): what retrieval expands by.
        self.retrieval_credit = sparse.csr_matrix(self.credit.multiply(self.credit >= 0.5))
        self.reaches: list[tuple[float, sparse.csr_matrix]] = []
        previous = 0.0
        for level in self.credit_levels:
            self.reaches.append((level - previous, sparse.csr_matrix((self.credit >= level).astype(np.float32))))
            previous = level
        self.specificity = self._specificity()
        self._occupation_rows: dict[str, int] = {code: i for i, code in enumerate(taxonomy.occupations)}
        occupations = list(taxonomy.occupations.values())
        self.occupation_essential = self.encode([o.essential_skills for o in occupations])
        self.occupation_profile = self.encode([(*o.essential_skills, *o.optional_skills) for o in occupations])

    @property
    def size(self) -> int:
        return len(self.codes)

    def _credit_matrix(self) -> sparse.csr_matrix:
        rows: list[int] = []
        cols: list[int] = []
        values: list[float] = []
        for k, code in enumerate(self.codes):
            rows.append(k)
            cols.append(k)
            values.append(1.0)
            for other, credit in self.taxonomy.credit_neighbours(code).items():
                h = self.index.get(other)
                if h is not None:
                    rows.append(h)
                    cols.append(k)
                    values.append(credit)
        n = len(self.codes)
        return sparse.csr_matrix((values, (rows, cols)), shape=(n, n), dtype=np.float64)

    def encode(self, skill_sets: Sequence[Iterable[str]]) -> sparse.csr_matrix:
        """Binary matrix (one row per set); codes outside the taxonomy are ignored."""
        indptr = [0]
        indices: list[int] = []
        for skills in skill_sets:
            columns = sorted({self.index[code] for code in skills if code in self.index})
            indices.extend(columns)
            indptr.append(len(indices))
        data = np.ones(len(indices), dtype=np.float64)
        return sparse.csr_matrix((data, indices, indptr), shape=(len(skill_sets), self.size))

    def expand(self, held: sparse.csr_matrix) -> sparse.csr_matrix:
        """Best credit each row earns towards every skill: max over held skills of credit[h, k].

        Credits take a few fixed levels (1, 0.5, 0.25), so the max-product is a sum of
        thresholded ordinary products: sum over levels of (step to that level) x [reaches it].
        """
        held32 = held.astype(np.float32)
        result = sparse.csr_matrix(held.shape, dtype=np.float32)
        for step, at_least in self.reaches:
            reached = held32 @ at_least
            reached.data[:] = step
            result = result + reached
        return sparse.csr_matrix(result)

    def _specificity(self) -> FloatArray:
        """Smoothed IDF of each skill over the taxonomy's occupations (essential or optional): a skill
        few occupations ask for says more about which occupation a person comes from. Fixed by the
        taxonomy, so a pair's score never depends on which other openings are scored beside it."""
        occupations = list(self.taxonomy.occupations.values())
        listed = self.encode([(*o.essential_skills, *o.optional_skills) for o in occupations])
        return self.idf(listed)

    def occupation_row(self, code: str) -> int | None:
        """Row of the occupation in `occupation_essential` / `occupation_profile` (None if unknown)."""
        return self._occupation_rows.get(code)

    def idf(self, required: sparse.csr_matrix) -> FloatArray:
        """Smoothed inverse document frequency over the openings' required skills: rare skills weigh more."""
        n_docs = required.shape[0]
        df = np.bincount(required.indices, minlength=self.size).astype(np.float64)
        return np.asarray(np.log((1.0 + n_docs) / (1.0 + df)) + 1.0, dtype=np.float64)
