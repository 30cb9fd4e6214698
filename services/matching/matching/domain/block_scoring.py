"""The final scorer for every pair of a block at once, as matrix products.

`features.pair_features` computes the feature rows of a list of pairs; the national run needs
every pair of a commuting region (tens of thousands of citizens x thousands of openings), where
building a row per pair costs more than the scoring. The scoring models are linear in log-odds,
and every skill feature is linear in each side:

    essential_coverage(c, o)  = sum_k credit[c, k] * essential[o, k] / |essential[o]|
    skill_similarity(c, o)    = sum_k tfidf[c, k] * tfidf[o, k]
    occupation_fit(c, o)      = sum_k skills[c, k] / mass[c] * profile[o, k]
    support_gap(c, o)         = 1 - sum_n needs[c, n] / |needs[c]| * offered[o, n]   (c with needs)
    interest(c, o)            = sum_j interests[c, j] * [occupation[o] = j]

so the weighted sum of them is ONE sparse product of a citizen matrix (the side's pieces laid
side by side) with an opening matrix (each piece already multiplied by the model's weight and
divided by the opening's count or mass). Hours fit, proximity and flexjob are computed by
broadcasting a citizen column against an opening row; constants of empty lists are added per
opening. The result equals `model.log_odds(pair_features(...).values)` up to floating-point
rounding (tests/unit/test_block_scoring.py checks it on random blocks) and the exclusions are
the same (hours and essential support needs).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import sparse

from .arrays import BoolArray, FloatArray, IntArray
from .blocks import CitizenBlock, OpeningBlock
from .features import FEATURES, PROXIMITY_SCALE_KM, UNKNOWN_PROXIMITY
from .geo import EARTH_RADIUS_KM
from .ranking import ScoringModel, sigmoid
from .sparse_scaling import scale_rows

F = {name: i for i, name in enumerate(FEATURES)}


@dataclass(frozen=True)
class LinearTerms:
    """A scoring model as log-odds = intercept + weights . features."""

    weights: FloatArray
    intercept: float

    def __getitem__(self, feature: str) -> float:
        return float(self.weights[F[feature]])


def linear_terms(model: ScoringModel) -> LinearTerms:
    """The model's weights, read from its own contributions (each feature alone at 1). Refuses a
    model that is not linear in log-odds, which the matrix form could not score."""
    eye = np.eye(len(FEATURES))
    weights = np.asarray(model.contributions(eye).diagonal(), dtype=np.float64)
    intercept = float(model.intercept)
    probe = np.random.default_rng(0).random((4, len(FEATURES)))
    if not np.allclose(model.log_odds(probe), intercept + probe @ weights, rtol=1e-9, atol=1e-9):
        raise ValueError(f"model {model.name} is not linear in log-odds; score its pairs with pair_features")
    return LinearTerms(weights, intercept)


def _divide_rows(matrix: sparse.csr_matrix, by: FloatArray, weight: float) -> sparse.csr_matrix:
    return scale_rows(matrix, np.where(by > 0, weight / np.maximum(by, 1e-12), 0.0))


def _widen(matrix: sparse.csr_matrix, columns: int) -> sparse.csr_matrix:
    """The matrix with zero columns added up to `columns` (vocabularies grow as citizens are encoded)."""
    m = sparse.csr_matrix(matrix)
    if m.shape[1] >= columns:
        return m
    return sparse.csr_matrix((m.data, m.indices, m.indptr), shape=(m.shape[0], columns))


def _row_sums(matrix: sparse.csr_matrix) -> FloatArray:
    return np.asarray(matrix.sum(axis=1), dtype=np.float64).ravel()


def _unit_vectors(lat: FloatArray, lon: FloatArray) -> FloatArray:
    phi, lam = np.radians(lat), np.radians(lon)
    return np.column_stack([np.cos(phi) * np.cos(lam), np.cos(phi) * np.sin(lam), np.sin(phi)])


@dataclass(frozen=True, eq=False)
class OpeningSide:
    """The openings of a block prepared once for a model. Columns are openings, except for the
    occupation pieces: openings of one ESCO occupation share its profile, so those are scored once
    per distinct profile (`profile_of` maps an opening to its column there)."""

    product: sparse.csr_matrix  # stacked own features x openings
    profiles: sparse.csr_matrix  # stacked occupation features x distinct profiles
    profile_of: IntArray
    constant: FloatArray
    offered: sparse.csr_matrix  # needs x openings (for essential needs)
    hours_min: FloatArray
    hours_max: FloatArray
    flexjob: BoolArray
    unit: FloatArray  # openings x 3 (NaN where unknown)
    located: BoolArray

    def __len__(self) -> int:
        return len(self.constant)


def _fit_columns(matrix: sparse.csr_matrix, columns: int) -> sparse.csr_matrix:
    """The matrix cut or widened to `columns` columns (a citizen's needs no opening offers, or
    interests in occupations no opening has, meet nothing on the opening side)."""
    m = sparse.csr_matrix(matrix)
    return sparse.csr_matrix(m[:, :columns]) if m.shape[1] > columns else _widen(m, columns)


def _distinct_rows(matrix: sparse.csr_matrix) -> tuple[sparse.csr_matrix, IntArray]:
    """(the distinct rows, the index of each row among them)."""
    seen: dict[bytes, int] = {}
    of_row = np.empty(matrix.shape[0], dtype=np.int64)
    first: list[int] = []
    for i in range(matrix.shape[0]):
        a, b = matrix.indptr[i], matrix.indptr[i + 1]
        key = matrix.indices[a:b].tobytes() + b"|" + matrix.data[a:b].tobytes()
        j = seen.setdefault(key, len(first))
        if j == len(first):
            first.append(i)
        of_row[i] = j
    return sparse.csr_matrix(matrix[np.array(first, dtype=np.int64)]), of_row


def opening_side(terms: LinearTerms, obox: OpeningBlock) -> OpeningSide:
    """The openings prepared once for a model (a catalogue keeps it across requests)."""
    n_essential = _row_sums(obox.essential)
    n_optional = _row_sums(obox.optional)
    mass_specific = _row_sums(obox.essential_specific)
    mass_occupation = _row_sums(obox.occupation_essential)
    credit_part = (
        _divide_rows(obox.essential, n_essential, terms["essential_coverage"])
        + _divide_rows(obox.essential_specific, mass_specific, terms["essential_specific_coverage"])
        + _divide_rows(obox.optional, n_optional, terms["optional_coverage"])
    )
    offered = sparse.csr_matrix(obox.offered)
    n_occupations = max(len(obox.occupation_index), 1)
    occupation = sparse.csr_matrix(
        (np.full(len(obox), terms["interest"]), (np.arange(len(obox)), obox.occupation)),
        shape=(len(obox), n_occupations),
    )
    product = sparse.hstack(
        [credit_part, obox.tfidf * terms["skill_similarity"], occupation],
        format="csr",
    )
    profiles, profile_of = _distinct_rows(
        sparse.hstack(
            [
                _divide_rows(obox.occupation_essential, mass_occupation, terms["occupation_coverage"]),
                obox.occupation_profile * terms["occupation_fit"],
            ],
            format="csr",
        )
    )
    constant = (
        terms["essential_coverage"] * (n_essential == 0)
        + terms["essential_specific_coverage"] * (mass_specific <= 0)
        + terms["optional_coverage"] * (n_optional == 0)
        + terms["accelerator_progress"] * obox.accelerator_progress
        + terms.intercept
    )
    unit = _unit_vectors(obox.lat, obox.lon)
    return OpeningSide(
        product=sparse.csr_matrix(product.T),
        profiles=sparse.csr_matrix(profiles.T),
        profile_of=profile_of,
        constant=np.asarray(constant, dtype=np.float64),
        offered=sparse.csr_matrix(offered.T),
        hours_min=obox.hours_min,
        hours_max=obox.hours_max,
        flexjob=obox.flexjob,
        unit=unit,
        located=~np.isnan(unit[:, 0]),
    )


@dataclass(frozen=True, eq=False)
class CitizenSide:
    product: sparse.csr_matrix  # citizens x stacked own features
    profiles: sparse.csr_matrix  # citizens x stacked occupation features
    needs: sparse.csr_matrix  # distinct rows of (other support needs / their number)
    needs_of: IntArray  # each citizen's row in `needs`
    constant: FloatArray
    essential_needs: sparse.csr_matrix
    essential_count: FloatArray
    capacity: FloatArray
    flexjob: BoolArray
    unit: FloatArray
    located: BoolArray

    def __len__(self) -> int:
        return len(self.constant)


def citizen_side(terms: LinearTerms, cbox: CitizenBlock, openings: OpeningSide) -> CitizenSide:
    width = openings.offered.shape[0]
    other_count = _row_sums(cbox.other_needs)
    other = _fit_columns(_divide_rows(cbox.other_needs, other_count, 1.0), width)
    credit = sparse.csr_matrix(cbox.credit, dtype=np.float64)
    interests = _fit_columns(cbox.interests, openings.product.shape[0] - 2 * credit.shape[1])
    product = sparse.hstack([credit, cbox.tfidf.astype(np.float64), interests], format="csr")
    needs, needs_of = _distinct_rows(other)
    profiles = sparse.hstack([credit, _divide_rows(cbox.skills, cbox.specificity_mass, 1.0)], format="csr")
    unit = _unit_vectors(cbox.lat, cbox.lon)
    essential = _fit_columns(cbox.essential_needs, width)
    return CitizenSide(
        product=product,
        profiles=profiles,
        needs=needs,
        needs_of=needs_of,
        constant=np.where(other_count > 0, terms["support_gap"], 0.0),
        essential_needs=essential,
        essential_count=_row_sums(cbox.essential_needs),
        capacity=cbox.capacity,
        flexjob=cbox.flexjob,
        unit=unit,
        located=~np.isnan(unit[:, 0]),
    )


def _groups(citizens: CitizenSide) -> tuple[FloatArray, IntArray]:
    """Distinct (capacity, flexjob, constant, needs row) of the citizens, and each citizen's group."""
    keys = np.column_stack([citizens.capacity, citizens.flexjob, citizens.constant, citizens.needs_of])
    distinct, inverse = np.unique(keys, axis=0, return_inverse=True)
    return np.asarray(distinct, dtype=np.float64), np.asarray(inverse, dtype=np.int64).ravel()


def _group_terms(terms: LinearTerms, citizens: CitizenSide, openings: OpeningSide, keys: FloatArray) -> FloatArray:
    """Per group x opening: opening constants, the citizen's constant, support gap, hours fit and
    flexjob match, -inf where the hours are infeasible."""
    capacity, flexjob, constant = keys[:, 0:1], keys[:, 1:2].astype(np.bool_), keys[:, 2:3]
    needs = citizens.needs[keys[:, 3].astype(np.int64)]
    offered_share = np.asarray((needs @ openings.offered).toarray(), dtype=np.float64)
    feasible = capacity >= openings.hours_min[None, :]
    used = np.minimum(capacity, openings.hours_max[None, :]) / np.maximum(capacity, 1e-9)
    fit = np.where(feasible, 0.5 + 0.5 * np.clip(used, 0.0, 1.0), 0.0)
    table = openings.constant[None, :] + constant + terms["hours_fit"] * fit
    table += terms["flexjob_match"] * (flexjob == openings.flexjob[None, :])
    table -= terms["support_gap"] * offered_share
    table[~feasible] = -np.inf
    return np.asarray(table, dtype=np.float64)


# The per-group table is built once per block when it has at most this many cells, else per chunk.
TABLE_CELLS = 4_000_000
# Citizens scored at once: about this many pairs (small arrays stay in the allocator's heap and cache).
PAIRS_PER_CHUNK = 1_000_000


@dataclass(frozen=True, eq=False)
class BlockScorer:
    """The final scorer for every pair of one block of citizens and openings."""

    terms: LinearTerms
    citizens: CitizenSide
    openings: OpeningSide
    group_keys: FloatArray
    group: IntArray
    table: FloatArray | None

    @classmethod
    def build(cls, model: ScoringModel, cbox: CitizenBlock, obox: OpeningBlock) -> BlockScorer:
        terms = linear_terms(model)
        return cls.of(terms, cbox, opening_side(terms, obox))

    @classmethod
    def of(cls, terms: LinearTerms, cbox: CitizenBlock, openings: OpeningSide) -> BlockScorer:
        citizens = citizen_side(terms, cbox, openings)
        keys, group = _groups(citizens)
        table = _group_terms(terms, citizens, openings, keys) if len(keys) * len(openings) <= TABLE_CELLS else None
        return cls(terms, citizens, openings, keys, group, table)

    def _rows_terms(self, rows: slice) -> FloatArray:
        group = self.group[rows]
        if self.table is not None:
            return np.asarray(self.table[group], dtype=np.float64)
        present, inverse = np.unique(group, return_inverse=True)
        table = _group_terms(self.terms, self.citizens, self.openings, self.group_keys[present])
        return np.asarray(table[np.asarray(inverse).ravel()], dtype=np.float64)

    def log_odds(self, start: int, stop: int) -> FloatArray:
        """Log-odds of every pair of citizens start..stop-1 with every opening, as a dense
        (citizens x openings) array; -inf where the pair is excluded."""
        citizens, openings, terms = self.citizens, self.openings, self.terms
        rows = slice(start, stop)
        logit = self._rows_terms(rows)
        by_profile = (citizens.profiles[rows] @ openings.profiles).toarray()
        logit += np.take(by_profile, openings.profile_of, axis=1)
        logit += (citizens.product[rows] @ openings.product).toarray()
        if citizens.located[rows].any() and openings.located.any():
            logit += terms["proximity"] * _proximity(citizens, openings, rows)
        else:
            logit += terms["proximity"] * UNKNOWN_PROXIMITY
        if citizens.essential_count[rows].any():
            met = np.asarray((citizens.essential_needs[rows] @ openings.offered).toarray())
            logit[met < citizens.essential_count[rows, None] - 0.5] = -np.inf
        return logit

    def top(self, top_n: int) -> tuple[IntArray, FloatArray]:
        """Each citizen's top_n openings (columns, -1 where fewer are feasible) and their scores,
        best first, ties by column: what ranking every pair's score would give."""
        n_citizens, n_openings = len(self.citizens), len(self.openings)
        per_chunk = max(1, PAIRS_PER_CHUNK // max(n_openings, 1))
        columns = np.full((n_citizens, top_n), -1, dtype=np.int64)
        scores = np.zeros((n_citizens, top_n), dtype=np.float64)
        for start in range(0, n_citizens, per_chunk):
            stop = min(start + per_chunk, n_citizens)
            found = top_entries(self.log_odds(start, stop), top_n)
            order = np.lexsort((found.column, -found.value, found.row))
            row, column, value = found.row[order], found.column[order], found.value[order]
            rank = np.arange(len(row)) - np.searchsorted(row, row)
            keep = rank < top_n
            columns[start + row[keep], rank[keep]] = column[keep]
            scores[start + row[keep], rank[keep]] = sigmoid(value[keep])
        return columns, scores


def _proximity(citizens: CitizenSide, openings: OpeningSide, rows: slice) -> FloatArray:
    # Haversine through the chord between unit vectors: a = |u - v|^2 / 4, no cancellation.
    u = citizens.unit[rows]
    a = np.zeros((len(u), len(openings)), dtype=np.float64)
    for axis in range(3):
        a += (u[:, axis, None] - openings.unit[None, :, axis]) ** 2
    a *= 0.25
    distance = 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))
    return np.where(np.isnan(distance), UNKNOWN_PROXIMITY, np.exp(-np.nan_to_num(distance) / PROXIMITY_SCALE_KM))


@dataclass(frozen=True)
class TopEntries:
    """The best entries of each row, as flat (row, column, value) arrays in no particular order."""

    row: IntArray
    column: IntArray
    value: FloatArray


def top_entries(values: FloatArray, top_n: int) -> TopEntries:
    """Every entry that can be among its row's `top_n` largest (finite) values, and a few more.

    Exact without sorting a row: cut the row into `top_n` groups of columns; the smallest of the
    groups' maxima is `top_n` distinct entries' lower bound, so every entry of the row's top_n is
    at least that large. One pass for the maxima and one comparison pass keep a few dozen
    candidates per row, which the caller orders.
    """
    n_rows, n_cols = values.shape
    if n_cols > 2 * top_n:
        width = n_cols // top_n
        maxima = values[:, : width * top_n].reshape(n_rows, top_n, width).max(axis=2)
        floor = maxima.min(axis=1)
        row, column = np.nonzero((values >= floor[:, None]) & np.isfinite(values))
    else:
        row, column = np.nonzero(np.isfinite(values))
    return TopEntries(row.astype(np.int64), column.astype(np.int64), values[row, column])
