"""Who should go where: the assignment of citizens to opening seats with the largest total score.

Each citizen takes at most one seat, an opening never takes more citizens than its seats, and
only eligible pairs (scored > 0, not excluded) can be used. For a municipality the score matrix
is expanded to one column per seat and solved exactly with the Hungarian method
(scipy `linear_sum_assignment`); at national scale the same problem is a min-cost flow over the
candidate graph (OR-Tools), where leaving a citizen unassigned costs nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from ortools.graph.python import min_cost_flow
from scipy.optimize import linear_sum_assignment

from .arrays import FloatArray, IntArray

# Scores are probabilities; min-cost flow needs integer costs. 1e6 keeps six decimals.
SCORE_SCALE = 1_000_000
# Above this many (citizen x seat) cells the dense Hungarian matrix gives way to min-cost flow.
DENSE_CELLS = 25_000_000

NO_ELIGIBLE_OPENING = "no_eligible_opening"
SEATS_TAKEN = "seats_went_to_a_higher_total_score"


@dataclass(frozen=True)
class Edge:
    citizen: int
    opening: int
    score: float


@dataclass(frozen=True)
class Assignment:
    pairs: list[Edge]
    unassigned: dict[int, str]  # citizen index -> reason
    total_score: float


def assign(n_citizens: int, seats: IntArray, citizen: IntArray, opening: IntArray, score: FloatArray) -> Assignment:
    """Max total score assignment over the eligible edges (citizen[i], opening[i], score[i] > 0)."""
    usable = score > 0
    citizen, opening, score = citizen[usable], opening[usable], score[usable]
    if int(seats.sum()) * n_citizens <= DENSE_CELLS:
        chosen = _hungarian(n_citizens, seats, citizen, opening, score)
    else:
        chosen = _min_cost_flow(n_citizens, seats, citizen, opening, score)
    return assignment_result(n_citizens, chosen, citizen)


def _hungarian(n_citizens: int, seats: IntArray, citizen: IntArray, opening: IntArray, score: FloatArray) -> list[Edge]:
    seat_owner = np.repeat(np.arange(len(seats)), seats)
    first_seat = np.concatenate([[0], np.cumsum(seats)[:-1]]).astype(np.int64)
    gain = np.zeros((n_citizens, len(seat_owner)), dtype=np.float64)
    for k in range(int(seats.max(initial=0))):
        has_seat = seats[opening] > k
        gain[citizen[has_seat], first_seat[opening[has_seat]] + k] = score[has_seat]
    rows, cols = linear_sum_assignment(gain, maximize=True)
    return [
        Edge(int(r), int(seat_owner[c]), float(gain[r, c])) for r, c in zip(rows, cols, strict=True) if gain[r, c] > 0
    ]


def _min_cost_flow(
    n_citizens: int, seats: IntArray, citizen: IntArray, opening: IntArray, score: FloatArray
) -> list[Edge]:
    flow = min_cost_flow.SimpleMinCostFlow()
    sink = n_citizens + len(seats)
    opening_node = n_citizens + opening
    costs = -np.round(score * SCORE_SCALE).astype(np.int64)
    edge_arcs = flow.add_arcs_with_capacity_and_unit_cost(citizen, opening_node, np.ones(len(citizen), np.int64), costs)
    everyone = np.arange(n_citizens, dtype=np.int64)
    flow.add_arcs_with_capacity_and_unit_cost(
        everyone, np.full(n_citizens, sink), np.ones(n_citizens, np.int64), np.zeros(n_citizens, np.int64)
    )
    flow.add_arcs_with_capacity_and_unit_cost(
        n_citizens + np.arange(len(seats)),
        np.full(len(seats), sink),
        seats.astype(np.int64),
        np.zeros(len(seats), np.int64),
    )
    supplies = np.zeros(sink + 1, dtype=np.int64)
    supplies[:n_citizens] = 1
    supplies[sink] = -n_citizens
    flow.set_nodes_supplies(np.arange(sink + 1), supplies)
    if flow.solve() != flow.OPTIMAL:
        raise RuntimeError("min-cost flow found no optimal assignment")
    used = flow.flows(edge_arcs) > 0
    return [Edge(int(c), int(o), float(s)) for c, o, s in zip(citizen[used], opening[used], score[used], strict=True)]


def assignment_result(n_citizens: int, chosen: list[Edge], eligible_citizens: IntArray) -> Assignment:
    assigned = {edge.citizen for edge in chosen}
    had_option = set(np.unique(eligible_citizens).tolist())
    unassigned = {
        c: (SEATS_TAKEN if c in had_option else NO_ELIGIBLE_OPENING) for c in range(n_citizens) if c not in assigned
    }
    return Assignment(pairs=chosen, unassigned=unassigned, total_score=float(sum(edge.score for edge in chosen)))


def greedy(n_citizens: int, seats: IntArray, citizen: IntArray, opening: IntArray, score: FloatArray) -> Assignment:
    """Highest score first: the baseline the optimal assignment is measured against."""
    left = seats.astype(np.int64).copy()
    taken: set[int] = set()
    chosen: list[Edge] = []
    for i in np.argsort(-score, kind="stable"):
        c, o = int(citizen[i]), int(opening[i])
        if score[i] > 0 and c not in taken and left[o] > 0:
            taken.add(c)
            left[o] -= 1
            chosen.append(Edge(c, o, float(score[i])))
    return assignment_result(n_citizens, chosen, citizen[score > 0])
