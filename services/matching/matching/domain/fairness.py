"""Fair and uncongested assignment: a minimum share of seats per target group, and the measures
that show what it changed.

The minimum is a constraint of the min-cost flow: every target group g is a source node with one
unit per citizen; a unit either goes through one of the group's citizens to an opening seat (gain
= the pair's score) or straight to "unassigned". Only n_g - L_g units may go to "unassigned"
for free; the other L_g may only at a penalty larger than any total score, so the solver seats
at least L_g of the group's citizens wherever the eligible pairs and seats allow it, and gives
up as little score as it must. L_g = ceil(share_g x the seats that can be filled).

Measures, before and after: each group's share of the assigned seats against its share of the
citizens (exposure ratio), and the Gini coefficient of the seats assigned per opening
(congestion: 0 when every opening is used alike, towards 1 when a few take everyone).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from ortools.graph.python import min_cost_flow

from .arrays import FloatArray, IntArray
from .assignment import SCORE_SCALE, Assignment, Edge, assignment_result


def minimum_seats(groups: Sequence[str], seats: IntArray, min_share: Mapping[str, float]) -> dict[str, int]:
    """L_g per group: its share of the seats that can be filled, never more than its citizens."""
    fillable = min(int(seats.sum()), len(groups))
    size = Counter(groups)
    return {g: min(size[g], math.ceil(share * fillable)) for g, share in min_share.items() if size[g]}


def assign_fairly(
    groups: Sequence[str],
    seats: IntArray,
    citizen: IntArray,
    opening: IntArray,
    score: FloatArray,
    min_share: Mapping[str, float],
) -> Assignment:
    """The max total score assignment with at least L_g seats for each group g (as far as possible)."""
    n_citizens = len(groups)
    usable = score > 0
    citizen, opening, score = citizen[usable], opening[usable], score[usable]
    names = sorted(set(groups))
    group_of = {g: i for i, g in enumerate(names)}
    need = minimum_seats(groups, seats, min_share)
    # Nodes: citizens, openings, group sources, "unassigned", sink.
    first_opening = n_citizens
    first_group = first_opening + len(seats)
    unassigned = first_group + len(names)
    sink = unassigned + 1
    penalty = SCORE_SCALE * (n_citizens + 1)
    flow = min_cost_flow.SimpleMinCostFlow()
    tails: list[int] = []
    heads: list[int] = []
    caps: list[int] = []
    costs: list[int] = []

    def arc(tail: int, head: int, capacity: int, cost: int) -> None:
        tails.append(tail)
        heads.append(head)
        caps.append(capacity)
        costs.append(cost)

    size = Counter(groups)
    for g, i in group_of.items():
        floor = need.get(g, 0)
        arc(first_group + i, unassigned, size[g] - floor, 0)
        if floor:
            arc(first_group + i, unassigned, floor, penalty)
    for c, g in enumerate(groups):
        arc(first_group + group_of[g], c, 1, 0)
    for o, n in enumerate(seats.tolist()):
        arc(first_opening + o, sink, int(n), 0)
    arc(unassigned, sink, n_citizens, 0)
    edge_arcs = flow.add_arcs_with_capacity_and_unit_cost(
        citizen,
        first_opening + opening,
        np.ones(len(citizen), np.int64),
        -np.round(score * SCORE_SCALE).astype(np.int64),
    )
    flow.add_arcs_with_capacity_and_unit_cost(
        np.array(tails, np.int64), np.array(heads, np.int64), np.array(caps, np.int64), np.array(costs, np.int64)
    )
    supplies = np.zeros(sink + 1, dtype=np.int64)
    for g, i in group_of.items():
        supplies[first_group + i] = size[g]
    supplies[sink] = -n_citizens
    flow.set_nodes_supplies(np.arange(sink + 1), supplies)
    if flow.solve() != flow.OPTIMAL:
        raise RuntimeError("min-cost flow found no optimal fair assignment")
    used = flow.flows(edge_arcs) > 0
    chosen = [Edge(int(c), int(o), float(s)) for c, o, s in zip(citizen[used], opening[used], score[used], strict=True)]
    return assignment_result(n_citizens, chosen, citizen)


def gini(values: Sequence[float]) -> float:
    """Gini coefficient (0 equal, towards 1 concentrated) of non-negative values."""
    x = np.sort(np.asarray(values, dtype=np.float64))
    if len(x) == 0 or x.sum() == 0:
        return 0.0
    n = len(x)
    return float((2 * np.arange(1, n + 1) - n - 1) @ x / (n * x.sum()))


@dataclass(frozen=True)
class GroupSeats:
    target_group: str
    citizens: int
    citizen_share: float
    seats: int
    seat_share: float
    ratio: float | None  # seat share / citizen share


@dataclass(frozen=True)
class AssignmentExposure:
    groups: list[GroupSeats]
    opening_gini: float


def assignment_exposure(groups: Sequence[str], n_openings: int, result: Assignment) -> AssignmentExposure:
    """Each group's share of the assigned seats against its share of citizens; Gini of seats per opening."""
    size = Counter(groups)
    seated = Counter(groups[e.citizen] for e in result.pairs)
    total = max(1, len(result.pairs))
    rows = []
    for g in sorted(size):
        citizen_share = size[g] / len(groups)
        seat_share = seated[g] / total
        rows.append(
            GroupSeats(
                g,
                size[g],
                round(citizen_share, 4),
                seated[g],
                round(seat_share, 4),
                round(seat_share / citizen_share, 4) if citizen_share else None,
            )
        )
    per_opening = Counter(e.opening for e in result.pairs)
    return AssignmentExposure(rows, round(gini([per_opening[o] for o in range(n_openings)]), 4))
