"""The scorer against plain search on ESCO look-alike cases (issue 18; needs ESCO_DIR, marked esco).

Held-out seeds only: the default model's weights were fitted on seeds 101-103
(`quality.fit_ranking_weights`). Ranking metrics only, never timings.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

from matching.domain import quality
from matching.domain.lookalike import LookalikeCases, lookalike_cases
from matching.domain.quality import RankingQuality
from matching.domain.ranking import WeightedDefaultModel
from matching.domain.skill_space import SkillSpace
from taxonomy import load_taxonomy

HELD_OUT_SEEDS = (1, 2, 3)


@pytest.fixture(scope="module")
def esco() -> tuple[SkillSpace, list[LookalikeCases]]:
    esco_dir = os.environ.get("ESCO_DIR")
    if not esco_dir:
        pytest.skip("ESCO_DIR is unset: ESCO (EU data) is not in this repository; CI sets it")
    taxonomy = load_taxonomy(Path(esco_dir))
    return SkillSpace(taxonomy), [lookalike_cases(taxonomy, seed=seed) for seed in HELD_OUT_SEEDS]


def pooled(space: SkillSpace, sets: list[LookalikeCases], ranker: quality.Ranker) -> RankingQuality:
    """Metrics over all held-out citizens (every set has the same number of citizens)."""
    rows = [quality.quality(cases, ranker(space, cases)) for cases in sets]
    return RankingQuality(*(float(np.mean([getattr(r, f) for r in rows])) for f in RankingQuality.__annotations__))


@pytest.mark.esco
def test_scorer_beats_both_baselines_and_meets_the_targets(
    esco: tuple[SkillSpace, list[LookalikeCases]], capsys: pytest.CaptureFixture[str]
) -> None:
    space, sets = esco
    ours = pooled(space, sets, quality.system(WeightedDefaultModel()))
    plain = pooled(space, sets, quality.plain_cosine)
    idf = pooled(space, sets, quality.idf_cosine)
    with capsys.disabled():
        print(f"\nlook-alike cases, seeds {HELD_OUT_SEEDS}: system {ours.as_row()}")
        print(f"  plain cosine {plain.as_row()}\n  IDF cosine + feasibility {idf.as_row()}")
    for metric in ("hit_at_1", "mrr_at_10", "hit_at_5"):
        assert getattr(ours, metric) >= max(getattr(plain, metric), getattr(idf, metric)), metric
    assert ours.infeasible_at_5 <= min(plain.infeasible_at_5, idf.infeasible_at_5)
    assert ours.hit_at_1 >= 0.85
    assert ours.mrr_at_10 >= 0.90
    assert ours.hit_at_5 >= 0.97
    assert ours.infeasible_at_5 <= 0.02


def test_every_citizen_has_a_feasible_opening_of_their_own_occupation(
    esco: tuple[SkillSpace, list[LookalikeCases]],
) -> None:
    _, sets = esco
    for cases in sets:
        for citizen, truth in zip(cases.citizens, cases.truth, strict=True):
            own = [o for o in cases.openings if o.occupation == truth]
            assert any(quality.feasible(citizen, o) for o in own)
