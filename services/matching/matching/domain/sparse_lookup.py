"""Vectorised look-ups in sparse matrices for many (row, column) pairs at once."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from scipy import sparse

from .arrays import FloatArray, IntArray

# Look-ups go through dense copies of at most this many cells (float32: 64 MB): a whole small
# matrix at once, a large one a band of rows at a time (queries sorted by row). Measured on
# ESCO-shaped batches this beats binary search in a sorted key array several times over.
DENSE_CELLS = 16_000_000


class SparseLookup:
    """Answers matrix[rows[i], cols[i]] for many pairs; columns beyond the width read as 0."""

    def __init__(self, matrix: sparse.csr_matrix) -> None:
        self.matrix = sparse.csr_matrix(matrix)
        self.n_rows, self.n_cols = self.matrix.shape
        self.band = max(1, DENSE_CELLS // max(self.n_cols, 1))
        self.dense: npt.NDArray[np.float32] | None = None
        if self.n_rows <= self.band:
            self.dense = np.asarray(self.matrix.toarray(), dtype=np.float32)

    def __call__(self, rows: IntArray, cols: IntArray) -> FloatArray:
        out = np.zeros(len(rows), dtype=np.float64)
        inside = np.flatnonzero(cols < self.n_cols)
        if self.dense is not None:
            out[inside] = self.dense[rows[inside], cols[inside]]
            return out
        r = rows[inside]
        if len(r) > 1 and not bool(np.all(r[:-1] <= r[1:])):
            order = np.argsort(r, kind="stable")
            inside, r = inside[order], r[order]
        c = cols[inside]
        starts = np.arange(0, self.n_rows, self.band)
        bounds = np.searchsorted(r, np.append(starts, self.n_rows))
        for first_row, lo, hi in zip(starts, bounds[:-1], bounds[1:], strict=True):
            if hi > lo:
                band = self.matrix[first_row : first_row + self.band].toarray()
                out[inside[lo:hi]] = band[r[lo:hi] - first_row, c[lo:hi]]
        return out


def gather(matrix: sparse.csr_matrix, rows: IntArray, cols: IntArray) -> FloatArray:
    """matrix[rows[i], cols[i]] for every i (one-off; hold a SparseLookup to ask repeatedly)."""
    return SparseLookup(matrix)(rows, cols)


def row_entries(matrix: sparse.csr_matrix, rows: IntArray) -> tuple[IntArray, IntArray, FloatArray]:
    """For each requested row i, its stored entries: (index into `rows`, column, value)."""
    starts = matrix.indptr[rows].astype(np.int64)
    counts = (matrix.indptr[rows + 1] - matrix.indptr[rows]).astype(np.int64)
    owner = np.repeat(np.arange(len(rows), dtype=np.int64), counts)
    first_of_owner = np.repeat(np.cumsum(counts) - counts, counts)
    positions = np.repeat(starts, counts) + (np.arange(int(counts.sum()), dtype=np.int64) - first_of_owner)
    return owner, matrix.indices[positions].astype(np.int64), np.asarray(matrix.data[positions], dtype=np.float64)


def row_counts(matrix: sparse.csr_matrix, rows: IntArray) -> IntArray:
    """Number of stored entries of each requested row."""
    return np.asarray(matrix.indptr[rows + 1] - matrix.indptr[rows], dtype=np.int64)
