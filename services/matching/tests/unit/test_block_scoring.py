"""The matrix form of the final scorer equals the per-pair scorer on random blocks."""

from __future__ import annotations

import random

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matching.domain import block_scoring
from matching.domain.batch import top_per_row
from matching.domain.block_scoring import BlockScorer, linear_terms
from matching.domain.blocks import citizen_block, opening_block
from matching.domain.features import FEATURES, pair_features
from matching.domain.profiles import CitizenProfile, Location, OpeningProfile
from matching.domain.ranking import ScoringModel, WeightedDefaultModel
from matching.domain.skill_space import SkillSpace

from .conftest import citizen, opening

NEEDS = ["mentor", "transport", "reduced_pace", "quiet_environment", "ramp"]


def random_block(space: SkillSpace, seed: int) -> tuple[list[CitizenProfile], list[OpeningProfile]]:
    rng = random.Random(seed)
    skills = sorted(space.codes)
    occupations = sorted(space.taxonomy.occupations)

    def place() -> Location | None:
        return None if rng.random() < 0.2 else Location(55 + rng.uniform(0, 2), 9 + rng.uniform(0, 3))

    citizens = [
        citizen(
            skills=frozenset(rng.sample(skills, rng.randint(0, 8))),
            work_capacity_hours=float(rng.choice([3, 5, 15, 20, 37])),
            location=place(),
            target_group=rng.choice(["flexjob", "cash_benefit"]),
            other_support_needs=frozenset(rng.sample(NEEDS, rng.randint(0, 3))),
            essential_support_needs=frozenset(rng.sample(NEEDS, rng.randint(0, 1))),
            interests=frozenset(rng.sample(occupations, rng.randint(0, 2))),
        )
        for _ in range(rng.randint(1, 40))
    ]
    openings = [
        opening(
            occupation=rng.choice([*occupations, "unknown:occupation"]),
            essential_skills=frozenset(rng.sample(skills, rng.randint(0, 5))),
            optional_skills=frozenset(rng.sample(skills, rng.randint(0, 4))),
            hours_min=float(rng.choice([4, 10, 20])),
            hours_max=float(rng.choice([20, 37])),
            location=place(),
            flexjob=rng.random() < 0.3,
            support_offered=frozenset(rng.sample(NEEDS[:4], rng.randint(0, 3))),
            accelerator_progress=rng.random(),
        )
        for _ in range(rng.randint(1, 30))
    ]
    return citizens, openings


def assert_same_as_pairs(space: SkillSpace, model: ScoringModel, seed: int) -> None:
    citizens, openings = random_block(space, seed)
    obox = opening_block(space, openings)
    cbox = citizen_block(space, obox, citizens)
    scorer = BlockScorer.build(model, cbox, obox)
    logit = scorer.log_odds(0, len(citizens))
    citizen_idx = np.repeat(np.arange(len(citizens)), len(openings))
    opening_idx = np.tile(np.arange(len(openings)), len(citizens))
    features = pair_features(cbox, obox, citizen_idx, opening_idx)
    expected = model.log_odds(features.values).reshape(len(citizens), len(openings))
    excluded = features.excluded.reshape(len(citizens), len(openings))
    assert (np.isneginf(logit) == excluded).all()
    np.testing.assert_allclose(logit[~excluded], expected[~excluded], rtol=1e-9, atol=1e-9)
    # The top lists equal ranking every pair's final score (ties by column), chunk by chunk.
    score = np.where(features.excluded, -1.0, model.predict(features.values))
    reference = top_per_row(len(citizens), citizen_idx, opening_idx, score, 5)
    columns, scores = scorer.top(5)
    assert (columns == reference.opening).all()
    np.testing.assert_allclose(scores, reference.score, rtol=1e-9, atol=1e-12)


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 10_000))
def test_block_log_odds_equal_the_pair_scorer(space: SkillSpace, seed: int) -> None:
    assert_same_as_pairs(space, WeightedDefaultModel(), seed)


def test_small_chunks_and_per_chunk_tables_change_nothing(space: SkillSpace, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(block_scoring, "PAIRS_PER_CHUNK", 7)
    monkeypatch.setattr(block_scoring, "TABLE_CELLS", 1)
    for seed in range(5):
        assert_same_as_pairs(space, WeightedDefaultModel(), seed)


def test_block_log_odds_follow_any_linear_model(space: SkillSpace) -> None:
    rng = np.random.default_rng(3)
    weights = dict(zip(FEATURES, rng.normal(size=len(FEATURES)).tolist(), strict=True))
    for seed in range(5):
        assert_same_as_pairs(space, WeightedDefaultModel(weights=weights, intercept=0.7), seed)


def test_a_model_that_is_not_linear_is_refused() -> None:
    class Squared(WeightedDefaultModel):
        def log_odds(self, values: np.ndarray) -> np.ndarray:  # type: ignore[override]
            return np.asarray(super().log_odds(values) ** 2)

    with pytest.raises(ValueError, match="not linear"):
        linear_terms(Squared())
