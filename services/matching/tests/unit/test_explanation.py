"""Explanations are the scoring model's own terms: with the intercept they add up to logit(score)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from matching.domain.explanation import required_skills, skill_lists
from matching.domain.features import FEATURES
from matching.domain.ranking import ScoringModel, WeightedDefaultModel
from matching.domain.recommend import OpeningCatalogue, recommend_citizens, recommend_openings
from matching.domain.skill_space import SkillSpace
from matching.domain.training import train_model

from .conftest import citizen, opening

SKILL_SETS = [
    frozenset({"bb:skill:wash-dishes"}),
    frozenset({"bb:skill:wash-dishes", "bb:skill:food-hygiene"}),
    frozenset({"bb:skill:drive-car", "bb:skill:store-food"}),
    frozenset(),
]


def trained() -> ScoringModel:
    rng = np.random.default_rng(3)
    x = rng.random((400, len(FEATURES)))
    y = rng.random(400) < 1 / (1 + np.exp(-(-2 + 3 * x[:, FEATURES.index("occupation_coverage")])))
    return train_model(x, y, [f"c{i % 200}" for i in range(400)]).model


def logit(p: float) -> float:
    return math.log(p / (1 - p))


@pytest.mark.parametrize("model", [WeightedDefaultModel(), trained()], ids=["default", "trained"])
def test_contributions_add_up_to_the_score_in_log_odds_for_every_served_item(
    space: SkillSpace, model: ScoringModel
) -> None:
    citizens = [citizen(skills=skills, work_capacity_hours=hours) for skills in SKILL_SETS for hours in (5, 20, 37)]
    openings = [opening(hours_min=h, optional_skills=frozenset({"bb:skill:drive-car"})) for h in (4, 15)]
    served = [r for c in citizens for r in recommend_openings(space, model, c, openings, limit=5)]
    served += [r for o in openings for r in recommend_citizens(space, model, o, citizens, limit=20)]
    assert len(served) > 20
    for item in served:
        assert set(item.explanation.contributions) == {"intercept", *FEATURES}
        assert math.isclose(sum(item.explanation.contributions.values()), logit(item.score), abs_tol=2e-3)


def test_skill_lists_kept_with_a_catalogue_explain_as_computed_afresh(space: SkillSpace) -> None:
    job = opening(optional_skills=frozenset({"bb:skill:drive-car", "bb:skill:store-food"}))
    person = citizen(skills=frozenset({"bb:skill:wash-dishes", "bb:skill:store-food"}))
    kept = required_skills(space.taxonomy, job)
    assert [essential for _, _, essential in kept] == sorted((e for _, _, e in kept), reverse=True)
    assert skill_lists(space.taxonomy, person, job, required=kept) == skill_lists(space.taxonomy, person, job)


def test_a_catalogue_serves_the_explanations_of_a_fresh_one(space: SkillSpace) -> None:
    jobs = [opening(hours_min=h, optional_skills=frozenset({"bb:skill:drive-car"})) for h in (4, 15)]
    catalogue = OpeningCatalogue.build(space, jobs)
    model = WeightedDefaultModel()
    for person in [citizen(skills=skills) for skills in SKILL_SETS]:
        fresh = recommend_openings(space, model, person, jobs, limit=5)
        assert recommend_openings(space, model, person, catalogue, limit=5) == fresh
        assert recommend_openings(space, model, person, catalogue, limit=5) == fresh  # the kept lists again
