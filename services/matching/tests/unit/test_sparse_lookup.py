from __future__ import annotations

import numpy as np
import pytest
from scipy import sparse

from matching.domain import sparse_lookup
from matching.domain.batch import top_per_row
from matching.domain.sparse_lookup import SparseLookup


@pytest.mark.parametrize("dense_cells", [16_000_000, 7])
def test_lookup_matches_the_matrix_dense_or_banded(monkeypatch: pytest.MonkeyPatch, dense_cells: int) -> None:
    monkeypatch.setattr(sparse_lookup, "DENSE_CELLS", dense_cells)
    matrix = sparse.random(40, 9, density=0.3, format="csr", random_state=1)
    rng = np.random.default_rng(2)
    rows, cols = rng.integers(0, 40, 500), rng.integers(0, 12, 500)
    expected = np.where(cols < 9, matrix.toarray()[rows, np.minimum(cols, 8)], 0.0)
    assert np.allclose(SparseLookup(matrix)(rows, cols), expected, atol=1e-6)


def test_top_per_row_keeps_the_best_and_pads_with_minus_one() -> None:
    lists = top_per_row(3, np.array([0, 0, 0, 2]), np.array([5, 6, 7, 1]), np.array([0.2, 0.9, 0.5, 0.1]), 2)
    assert lists.opening.tolist() == [[6, 7], [-1, -1], [1, -1]]
