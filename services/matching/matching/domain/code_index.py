"""A growing code -> column index for small open vocabularies (support needs, occupations)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
from scipy import sparse


class CodeIndex:
    def __init__(self, codes: Iterable[str] = ()) -> None:
        self.index: dict[str, int] = {}
        for code in codes:
            self.add(code)

    def add(self, code: str) -> int:
        return self.index.setdefault(code, len(self.index))

    def __len__(self) -> int:
        return len(self.index)

    def encode(self, code_sets: Sequence[Iterable[str]], *, grow: bool) -> sparse.csr_matrix:
        """Binary matrix, one row per set; unknown codes are added when `grow`, else ignored."""
        indptr = [0]
        indices: list[int] = []
        for codes in code_sets:
            if grow:
                columns = sorted({self.add(code) for code in codes})
            else:
                columns = sorted({self.index[code] for code in codes if code in self.index})
            indices.extend(columns)
            indptr.append(len(indices))
        data = np.ones(len(indices), dtype=np.float64)
        return sparse.csr_matrix((data, indices, indptr), shape=(len(code_sets), max(len(self.index), 1)))
