from __future__ import annotations

import pytest

from matching.domain import recommend
from matching.domain.profiles import Location
from matching.domain.ranking import WeightedDefaultModel
from matching.domain.recommend import Filters, recommend_citizens, recommend_openings
from matching.domain.skill_space import SkillSpace

from .conftest import citizen, opening

MODEL = WeightedDefaultModel()


def test_citizen_with_all_essential_skills_outranks_one_with_none(space: SkillSpace) -> None:
    skilled = citizen()
    unskilled = citizen(skills=frozenset({"bb:skill:drive-car"}))
    ranked = recommend_citizens(space, MODEL, opening(), [unskilled, skilled], limit=10)
    assert [r.citizen_id for r in ranked] == [skilled.id, unskilled.id]
    assert ranked[0].score > ranked[1].score
    assert [r.rank for r in ranked] == [1, 2]


def test_unmet_essential_support_need_is_never_recommended(space: SkillSpace) -> None:
    needs_quiet = citizen(essential_support_needs=frozenset({"quiet_environment"}))
    assert (
        recommend_citizens(space, MODEL, opening(support_offered=frozenset({"mentor"})), [needs_quiet], limit=5) == []
    )
    quiet = opening(support_offered=frozenset({"quiet_environment"}))
    assert len(recommend_openings(space, MODEL, needs_quiet, [quiet], limit=5)) == 1


def test_four_hour_opening_ranks_for_five_hour_citizen_not_two_hour(space: SkillSpace) -> None:
    smajob = opening(hours_min=4.0, hours_max=4.0)
    assert [
        r.opening_id for r in recommend_openings(space, MODEL, citizen(work_capacity_hours=5), [smajob], limit=5)
    ] == [smajob.id]
    assert recommend_openings(space, MODEL, citizen(work_capacity_hours=2), [smajob], limit=5) == []


def test_citizens_without_consent_are_never_scored(space: SkillSpace) -> None:
    assert recommend_citizens(space, MODEL, opening(), [citizen(consent=False)], limit=5) == []


def test_filters_distance_hours_and_flexjob(space: SkillSpace) -> None:
    near = opening(hours_max=10.0)
    far = opening(location=Location(57.0, 9.9), flexjob=True, hours_max=30.0)
    c = citizen(work_capacity_hours=30)
    assert {r.opening_id for r in recommend_openings(space, MODEL, c, [near, far], limit=5)} == {near.id, far.id}
    assert [
        r.opening_id
        for r in recommend_openings(space, MODEL, c, [near, far], limit=5, filters=Filters(max_distance_km=50))
    ] == [near.id]
    assert [
        r.opening_id for r in recommend_openings(space, MODEL, c, [near, far], limit=5, filters=Filters(min_hours=20))
    ] == [far.id]
    assert [
        r.opening_id
        for r in recommend_openings(space, MODEL, c, [near, far], limit=5, filters=Filters(flexjob_only=True))
    ] == [far.id]


def test_closed_openings_are_not_recommended_and_limit_holds(space: SkillSpace) -> None:
    openings = [opening() for _ in range(5)] + [opening(status="filled")]
    ranked = recommend_openings(space, MODEL, citizen(), openings, limit=3)
    assert len(ranked) == 3
    assert all(r.opening_id != openings[-1].id for r in ranked)


def test_explanation_lists_labels_support_hours_distance_and_contributions(space: SkillSpace) -> None:
    c = citizen(skills=frozenset({"bb:skill:wash-dishes"}), other_support_needs=frozenset({"mentor"}))
    o = opening(
        essential_skills=frozenset(
            {"bb:skill:wash-dishes", "bb:skill:operate-kitchen-equipment", "bb:skill:drive-car"}
        ),
        optional_skills=frozenset({"bb:skill:lay-paving"}),
    )
    [rec] = recommend_openings(space, MODEL, c, [o], limit=1)
    e = rec.explanation
    assert {
        "code": "bb:skill:wash-dishes",
        "label": "wash dishes",
        "essential": True,
        "credit": 1.0,
    } in e.matched_skills
    assert any(m["code"] == "bb:skill:operate-kitchen-equipment" and m["credit"] == 0.5 for m in e.matched_skills)
    assert {m["code"] for m in e.missing_skills} == {"bb:skill:drive-car", "bb:skill:lay-paving"}
    assert e.unmet_support_needs == [{"code": "mentor", "essential": False}]
    assert e.hours_fit["fits"] is True
    assert e.distance_km == 0.0
    assert set(e.contributions) == set(MODEL.weights) | {"intercept"}
    assert e.contributions["support_gap"] == -1.2


def test_sparse_retrieval_path_returns_the_exhaustive_ranking(
    space: SkillSpace, monkeypatch: pytest.MonkeyPatch
) -> None:
    openings = [opening(hours_max=float(h)) for h in range(5, 30)]
    openings += [opening(essential_skills=frozenset({"bb:skill:drive-car"})) for _ in range(5)]
    c = citizen()
    exhaustive = [r.opening_id for r in recommend_openings(space, MODEL, c, openings, limit=10)]
    monkeypatch.setattr(recommend, "EXHAUSTIVE_LIMIT", 0)
    retrieved = [r.opening_id for r in recommend_openings(space, MODEL, c, openings, limit=10)]
    assert retrieved == exhaustive
    by_opening = [r.citizen_id for r in recommend_citizens(space, MODEL, openings[0], [c, citizen()], limit=2)]
    assert len(by_opening) == 2
