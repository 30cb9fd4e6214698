"""Scaling rows and columns in place gives the diagonal products to the bit."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import sparse

from matching.domain.sparse_scaling import scale_columns, scale_rows


def _same(a: sparse.csr_matrix, b: sparse.csr_matrix) -> bool:
    a, b = sparse.csr_matrix(a), sparse.csr_matrix(b)
    a.sort_indices()
    b.sort_indices()
    return (
        a.shape == b.shape
        and np.array_equal(a.indptr, b.indptr)
        and np.array_equal(a.indices, b.indices)
        and a.data.tobytes() == b.data.tobytes()
    )


@settings(max_examples=60, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    rows=st.integers(0, 12),
    columns=st.integers(1, 30),
    density=st.floats(0.0, 1.0),
)
def test_scaling_equals_the_diagonal_products(seed: int, rows: int, columns: int, density: float) -> None:
    rng = np.random.default_rng(seed)
    matrix = sparse.random(rows, columns, density=density, format="csr", random_state=rng) * 7.3
    # Zero factors drop their entries, as the product does.
    by_row = np.where(rng.random(rows) < 0.2, 0.0, rng.random(rows) * 3)
    by_column = np.where(rng.random(columns) < 0.2, 0.0, rng.random(columns) * 3)
    assert _same(scale_rows(matrix, by_row), sparse.diags(by_row) @ matrix)
    assert _same(scale_columns(matrix, by_column), matrix @ sparse.diags(by_column))


def test_the_input_is_left_as_it_was() -> None:
    matrix = sparse.csr_matrix(np.array([[1.0, 0.0, 2.0], [0.0, 3.0, 0.0]]))
    scale_rows(matrix, np.array([0.0, 2.0]))
    scale_columns(matrix, np.array([0.0, 1.0, 1.0]))
    assert matrix.toarray().tolist() == [[1.0, 0.0, 2.0], [0.0, 3.0, 0.0]]
