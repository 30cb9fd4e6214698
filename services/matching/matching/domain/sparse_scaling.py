"""Rows or columns of a sparse matrix multiplied by a vector, without a diagonal matrix.

`sparse.diags(v) @ m` builds an n x n diagonal matrix and runs a general sparse product; for the
one-citizen block of a recommendation request that cost more than the arithmetic. Each stored
value is multiplied once either way (0 + a*b == a*b), so the results are the same to the bit;
entries that become zero are dropped, as the product drops them.
"""

from __future__ import annotations

import numpy as np
from scipy import sparse

from .arrays import FloatArray


def _with_data(matrix: sparse.csr_matrix, data: FloatArray) -> sparse.csr_matrix:
    scaled = sparse.csr_matrix((data, matrix.indices.copy(), matrix.indptr.copy()), shape=matrix.shape)
    scaled.eliminate_zeros()
    return scaled


def scale_rows(matrix: sparse.csr_matrix, by: FloatArray) -> sparse.csr_matrix:
    """Row i multiplied by by[i] (as `sparse.diags(by) @ matrix`)."""
    m = sparse.csr_matrix(matrix)
    return _with_data(m, np.repeat(np.asarray(by, dtype=np.float64), np.diff(m.indptr)) * m.data)


def scale_columns(matrix: sparse.csr_matrix, by: FloatArray) -> sparse.csr_matrix:
    """Column j multiplied by by[j] (as `matrix @ sparse.diags(by)`)."""
    m = sparse.csr_matrix(matrix)
    return _with_data(m, m.data * np.asarray(by, dtype=np.float64)[m.indices])
