from __future__ import annotations

import numpy as np
import pytest

from matching.domain.blocks import citizen_block, opening_block
from matching.domain.features import FEATURES, pair_features
from matching.domain.profiles import Location
from matching.domain.skill_space import SkillSpace

from .conftest import KITCHEN_ESSENTIAL, citizen, opening


def features_of(space: SkillSpace, c: object, o: object) -> dict[str, float]:
    obox = opening_block(space, [o])  # type: ignore[list-item]
    cbox = citizen_block(space, obox, [c])  # type: ignore[list-item]
    pairs = pair_features(cbox, obox, np.array([0]), np.array([0]))
    return dict(zip(FEATURES, pairs.values[0].tolist(), strict=True)) | {
        "excluded": float(pairs.excluded[0]),
        "distance": float(pairs.distance_km[0]),
    }


def test_all_essential_skills_cover_fully_and_none_cover_nothing(space: SkillSpace) -> None:
    assert features_of(space, citizen(), opening())["essential_coverage"] == 1.0
    none = features_of(space, citizen(skills=frozenset({"bb:skill:drive-car"})), opening())
    assert none["essential_coverage"] == 0.0
    assert none["skill_similarity"] == 0.0


def test_related_skill_earns_partial_coverage(space: SkillSpace) -> None:
    o = opening(essential_skills=frozenset({"bb:skill:drive-car"}), optional_skills=frozenset())
    assert features_of(space, citizen(skills=frozenset({"bb:skill:drive-van"})), o)["essential_coverage"] == 0.5


def test_optional_coverage_counts_optional_skills_only(space: SkillSpace) -> None:
    f = features_of(space, citizen(skills=KITCHEN_ESSENTIAL | {"bb:skill:store-food"}), opening())
    assert f["optional_coverage"] == 1.0
    assert features_of(space, citizen(), opening())["optional_coverage"] == 0.5  # food-hygiene ~ store-food


def test_rare_skills_weigh_more_in_similarity(space: SkillSpace) -> None:
    common = "bb:skill:work-safely"
    rare = "bb:skill:lay-paving"
    openings = [opening(essential_skills=frozenset({common, rare}), optional_skills=frozenset())]
    openings += [opening(essential_skills=frozenset({common}), optional_skills=frozenset()) for _ in range(5)]
    obox = opening_block(space, openings)
    cbox = citizen_block(space, obox, [citizen(skills=frozenset({rare})), citizen(skills=frozenset({common}))])
    pairs = pair_features(cbox, obox, np.array([0, 1]), np.array([0, 0]))
    similarity = pairs.values[:, FEATURES.index("skill_similarity")]
    assert similarity[0] > similarity[1]


def test_unmet_essential_support_need_excludes_and_other_needs_penalise(space: SkillSpace) -> None:
    o = opening(support_offered=frozenset({"mentor"}))
    assert features_of(space, citizen(essential_support_needs=frozenset({"quiet_environment"})), o)["excluded"] == 1.0
    assert features_of(space, citizen(essential_support_needs=frozenset({"mentor"})), o)["excluded"] == 0.0
    gap = features_of(space, citizen(other_support_needs=frozenset({"mentor", "transport"})), o)
    assert gap["support_gap"] == 0.5
    assert gap["excluded"] == 0.0


def test_hours_below_the_openings_minimum_exclude(space: SkillSpace) -> None:
    o = opening(hours_min=4.0, hours_max=4.0)
    assert features_of(space, citizen(work_capacity_hours=5.0), o)["excluded"] == 0.0
    assert features_of(space, citizen(work_capacity_hours=2.0), o)["excluded"] == 1.0


def test_distance_flexjob_accelerator_and_interest(space: SkillSpace) -> None:
    o = opening(location=Location(55.6761, 12.5683), flexjob=True, accelerator_progress=0.75)
    f = features_of(space, citizen(target_group="flexjob", interests=frozenset({"bb:occupation:kitchen-porter"})), o)
    assert 30 < f["distance"] < 50
    assert f["proximity"] == pytest.approx(np.exp(-f["distance"] / 15))
    assert f["flexjob_match"] == 1.0
    assert f["accelerator_progress"] == 0.75
    assert f["interest"] == 1.0
    plain = features_of(space, citizen(location=None), opening())
    assert plain["proximity"] == 0.5
    assert plain["interest"] == 0.0
