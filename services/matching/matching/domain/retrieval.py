"""Candidate generation from sparse skill matrices: a top-n sparse product, never all pairs.

Retrieval score of (citizen c, opening o) = query[c] . profile[o], where
- profile[o] = 2.0 x essential skills / their count + 0.5 x optional skills / their count
  + 0.8 x the TF-IDF vector: the skill part of the default model, with its weights;
- query[c] = sum over held skills h of credit[h, k] for credits >= 0.5 (the skill itself,
  broader/narrower and related skills). Sibling credit (0.25) is left to re-ranking: it would
  triple the query's length and the retrieval time for little change in the candidates.
`sparse_dot_topn` keeps only each row's top n while multiplying, so memory stays at rows x n
however many pairs share a skill.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import sparse
from sparse_dot_topn import sp_matmul_topn

from .arrays import FloatArray, IntArray
from .blocks import OpeningBlock
from .skill_space import SkillSpace


@dataclass(frozen=True)
class Candidates:
    query: IntArray
    target: IntArray
    score: FloatArray


# The retrieval score mirrors the skill part of the default model: essential coverage, optional
# coverage and TF-IDF similarity with the model's weights (ranking.DEFAULT_WEIGHTS).
RETRIEVAL_WEIGHTS = {"essential": 2.0, "optional": 0.5, "similarity": 0.8}


def per_row_share(matrix: sparse.csr_matrix) -> sparse.csr_matrix:
    counts = np.diff(matrix.indptr).astype(np.float64)
    return sparse.csr_matrix(sparse.diags(1.0 / np.maximum(counts, 1.0)) @ matrix)


def opening_profiles(openings: OpeningBlock) -> sparse.csr_matrix:
    """Openings x skills: the weighted skill profile each opening is retrieved by."""
    profile = (
        RETRIEVAL_WEIGHTS["essential"] * per_row_share(openings.essential)
        + RETRIEVAL_WEIGHTS["optional"] * per_row_share(openings.optional)
        + RETRIEVAL_WEIGHTS["similarity"] * openings.tfidf
    )
    return sparse.csr_matrix(profile.astype(np.float32))


def opening_index(openings: OpeningBlock) -> sparse.csr_matrix:
    """Skills x openings, for citizen -> openings retrieval."""
    return sparse.csr_matrix(opening_profiles(openings).T)


def citizen_queries(space: SkillSpace, skills: sparse.csr_matrix) -> sparse.csr_matrix:
    """Citizens x skills: credit (>= 0.5) each citizen's skills earn towards every skill."""
    return sparse.csr_matrix((skills @ space.retrieval_credit).astype(np.float32))


# A request for one citizen multiplies a handful of index rows; scipy and a partial sort do that
# in microseconds, while sparse_dot_topn copies the whole index on every call.
FEW_QUERY_ROWS = 16


def top_candidates(query: sparse.csr_matrix, index: sparse.csr_matrix, top_n: int, *, threads: int = 1) -> Candidates:
    """For every query row, the `top_n` columns of query @ index with a positive score."""
    if query.shape[0] <= FEW_QUERY_ROWS:
        return few_rows_top(query, index, top_n)
    product = sp_matmul_topn(
        sparse.csr_matrix(query.astype(np.float32)),
        index,
        top_n=top_n,
        threshold=0.0,
        n_threads=threads if threads > 1 else None,
    )
    product = sparse.csr_matrix(product)
    rows = np.repeat(np.arange(product.shape[0], dtype=np.int64), np.diff(product.indptr))
    return Candidates(
        query=rows, target=product.indices.astype(np.int64), score=np.asarray(product.data, dtype=np.float64)
    )


def few_rows_top(query: sparse.csr_matrix, index: sparse.csr_matrix, top_n: int) -> Candidates:
    dense = np.asarray((sparse.csr_matrix(query, dtype=np.float32) @ index).toarray(), dtype=np.float64)
    queries, targets, scores = [], [], []
    for row, values in enumerate(dense):
        positive = np.flatnonzero(values > 0)
        if len(positive) > top_n:
            positive = positive[np.argpartition(-values[positive], top_n - 1)[:top_n]]
        queries.append(np.full(len(positive), row, dtype=np.int64))
        targets.append(positive.astype(np.int64))
        scores.append(values[positive])
    return Candidates(np.concatenate(queries), np.concatenate(targets), np.concatenate(scores))
