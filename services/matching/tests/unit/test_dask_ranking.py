"""The national run on Dask: the same lists on 1 and 2 workers as in this process."""

from __future__ import annotations

import pytest

from matching.domain.national import blocks, rank_block
from matching.domain.ranking import WeightedDefaultModel
from matching.domain.skill_space import SkillSpace
from matching.usecases.ranking_runs import rank_on_dask

from .test_national import assert_same_rankings, population

MODEL = WeightedDefaultModel()


@pytest.mark.parametrize("workers", [1, 2])
def test_dask_run_gives_the_in_process_lists(space: SkillSpace, workers: int) -> None:
    citizens, openings = population(space, 2)
    work = blocks(space, citizens, openings)
    expected = {r.region: r for r in (rank_block(space, MODEL, b, top_n=20) for b in work)}
    got = {r.region: r for r in rank_on_dask(space, MODEL, work, top_n=20, workers=workers, progress=False)}
    assert got.keys() == expected.keys()
    for region, ranking in got.items():
        assert_same_rankings(ranking, expected[region])
