from __future__ import annotations

from taxonomy import Taxonomy


def test_exact_skill_earns_full_credit(starter: Taxonomy) -> None:
    assert starter.skill_credit({"bb:skill:drive-car"}, "bb:skill:drive-car") == 1.0


def test_narrower_and_broader_skills_earn_half(starter: Taxonomy) -> None:
    assert starter.skill_credit({"bb:skill:drive-van"}, "bb:skill:drive-car") == 0.5
    assert starter.skill_credit({"bb:skill:drive-car"}, "bb:skill:drive-van") == 0.5


def test_related_skill_earns_half_in_both_directions(starter: Taxonomy) -> None:
    assert starter.skill_credit({"bb:skill:use-handheld-scanner"}, "bb:skill:pick-orders") == 0.5
    assert starter.skill_credit({"bb:skill:pick-orders"}, "bb:skill:use-handheld-scanner") == 0.5


def test_same_group_earns_a_quarter(starter: Taxonomy) -> None:
    assert starter.skill_credit({"bb:skill:mow-lawns"}, "bb:skill:lay-paving") == 0.25


def test_unrelated_skill_earns_nothing_and_best_route_wins(starter: Taxonomy) -> None:
    assert starter.skill_credit({"bb:skill:wash-dishes"}, "bb:skill:drive-car") == 0.0
    assert (
        starter.skill_credit(
            {"bb:skill:wash-dishes", "bb:skill:drive-van", "bb:skill:ride-moped"}, "bb:skill:drive-car"
        )
        == 0.5
    )
    assert starter.skill_credit(set(), "bb:skill:drive-car") == 0.0


def test_neighbours_exclude_the_skill_itself(starter: Taxonomy) -> None:
    assert "bb:skill:drive-car" not in starter.credit_neighbours("bb:skill:drive-car")
