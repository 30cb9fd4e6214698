from __future__ import annotations

import numpy as np
import pytest

from matching.domain.assignment import assign
from matching.domain.fairness import assign_fairly, assignment_exposure, gini, minimum_seats

# Two openings of one seat. Citizens 0 and 1 (group "a") score higher everywhere than citizen 2 ("b").
GROUPS = ["a", "a", "b"]
SEATS = np.array([1, 1])
CITIZEN = np.array([0, 0, 1, 1, 2, 2])
OPENING = np.array([0, 1, 0, 1, 0, 1])
SCORE = np.array([0.9, 0.8, 0.85, 0.9, 0.5, 0.4])


def test_without_a_minimum_the_higher_scores_take_every_seat() -> None:
    plain = assign(3, SEATS, CITIZEN, OPENING, SCORE)
    assert {e.citizen for e in plain.pairs} == {0, 1}


def test_a_minimum_share_seats_the_group_at_the_least_loss_of_score() -> None:
    fair = assign_fairly(GROUPS, SEATS, CITIZEN, OPENING, SCORE, {"b": 0.5})
    assert 2 in {e.citizen for e in fair.pairs}
    assert fair.total_score == pytest.approx(0.5 + 0.9)  # b takes opening 0, citizen 1 keeps opening 1
    before = assignment_exposure(GROUPS, 2, assign(3, SEATS, CITIZEN, OPENING, SCORE))
    after = assignment_exposure(GROUPS, 2, fair)
    assert [g.seats for g in before.groups] == [2, 0]
    assert [g.seats for g in after.groups] == [1, 1]


def test_an_unreachable_minimum_seats_as_many_as_possible() -> None:
    only_a = CITIZEN < 2
    fair = assign_fairly(GROUPS, SEATS, CITIZEN[only_a], OPENING[only_a], SCORE[only_a], {"b": 1.0})
    assert {e.citizen for e in fair.pairs} == {0, 1}


def test_minimum_seats_follow_the_fillable_seats() -> None:
    assert minimum_seats(GROUPS, SEATS, {"b": 0.5, "a": 0.1}) == {"b": 1, "a": 1}


def test_gini_is_zero_when_equal_and_high_when_concentrated() -> None:
    assert gini([2, 2, 2]) == 0.0
    assert gini([0, 0, 0, 9]) == pytest.approx(0.75)
