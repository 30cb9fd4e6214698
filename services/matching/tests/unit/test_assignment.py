from __future__ import annotations

import numpy as np

from matching.domain import assignment
from matching.domain.assignment import NO_ELIGIBLE_OPENING, SEATS_TAKEN, assign, greedy

# Openings X (0) and Y (1), one seat each. A fits both, B only X. Greedy gives A the best seat (X)
# and leaves B out; the optimum sends A to Y and B to X.
CITIZEN = np.array([0, 0, 1])
OPENING = np.array([0, 1, 0])
SCORE = np.array([0.9, 0.8, 0.85])
SEATS = np.array([1, 1])


def test_assignment_beats_greedy_on_a_crafted_case() -> None:
    best = assign(2, SEATS, CITIZEN, OPENING, SCORE)
    baseline = greedy(2, SEATS, CITIZEN, OPENING, SCORE)
    assert {(e.citizen, e.opening) for e in best.pairs} == {(0, 1), (1, 0)}
    assert best.total_score == 0.8 + 0.85
    assert baseline.total_score == 0.9
    assert baseline.unassigned == {1: SEATS_TAKEN}


def test_min_cost_flow_finds_the_same_optimum(monkeypatch: object) -> None:
    import pytest

    assert isinstance(monkeypatch, pytest.MonkeyPatch)
    monkeypatch.setattr(assignment, "DENSE_CELLS", 0)
    best = assign(2, SEATS, CITIZEN, OPENING, SCORE)
    assert {(e.citizen, e.opening) for e in best.pairs} == {(0, 1), (1, 0)}


def test_never_over_seats_each_citizen_once_and_unassigned_say_why() -> None:
    rng = np.random.default_rng(3)
    n_citizens, seats = 60, np.array([3, 1, 2, 0, 5])
    citizen = np.repeat(np.arange(50), 5)
    opening = np.tile(np.arange(5), 50)
    score = rng.random(len(citizen))
    for solver_cells in (25_000_000, 0):
        assignment.DENSE_CELLS = solver_cells
        result = assign(n_citizens, seats, citizen, opening, score)
        taken = np.bincount([e.opening for e in result.pairs], minlength=5)
        assert (taken <= seats).all()
        assert taken.sum() == seats.sum()
        assert len({e.citizen for e in result.pairs}) == len(result.pairs)
        assert all(result.unassigned[c] == NO_ELIGIBLE_OPENING for c in range(50, 60))
        assert all(result.unassigned[c] == SEATS_TAKEN for c in result.unassigned if c < 50)
    assignment.DENSE_CELLS = 25_000_000


def test_zero_score_edges_are_never_used() -> None:
    result = assign(1, np.array([1]), np.array([0]), np.array([0]), np.array([0.0]))
    assert result.pairs == []
    assert result.unassigned == {0: NO_ELIGIBLE_OPENING}
