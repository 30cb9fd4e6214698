"""The national ranking: blocking by commuting region changes nothing against exhaustive scoring."""

from __future__ import annotations

import random

import numpy as np
import pytest

from matching.domain import national
from matching.domain.national import (
    BlockRanking,
    NationalPopulation,
    agreement,
    blocks,
    commuting_region,
    exhaustive_top,
    rank_block,
    rank_block_pairwise,
    ranked_lists,
)
from matching.domain.profiles import CitizenProfile, Location, OpeningProfile
from matching.domain.ranking import WeightedDefaultModel
from matching.domain.skill_space import SkillSpace

from .conftest import citizen, opening

MUNICIPALITIES = {
    "DK-0101": (55.68, 12.57),
    "DK-0336": (55.33, 12.45),
    "DK-0461": (55.40, 10.38),
    "DK-0849": (57.1, 9.6),
}
MODEL = WeightedDefaultModel()
SUPPORT = ["mentor", "flexible_hours", "reduced_pace", "transport"]


def population(space: SkillSpace, seed: int) -> tuple[list[CitizenProfile], list[OpeningProfile]]:
    rng = random.Random(seed)
    skills = sorted(space.codes)
    occupations = sorted(space.taxonomy.occupations)
    citizens: list[CitizenProfile] = []
    openings: list[OpeningProfile] = []
    for code, (lat, lon) in MUNICIPALITIES.items():
        for _ in range(40):
            needs = frozenset(rng.sample(SUPPORT, rng.randint(0, 2)))
            citizens.append(
                citizen(
                    municipality=code,
                    skills=frozenset(rng.sample(skills, rng.randint(1, 6))),
                    work_capacity_hours=float(rng.choice([5, 15, 37])),
                    location=Location(lat + rng.uniform(-0.2, 0.2), lon + rng.uniform(-0.2, 0.2)),
                    target_group=rng.choice(["flexjob", "cash_benefit"]),
                    other_support_needs=needs,
                    essential_support_needs=frozenset(sorted(needs)[:1]) if rng.random() < 0.2 else frozenset(),
                    interests=frozenset(rng.sample(occupations, 1)) if rng.random() < 0.3 else frozenset(),
                )
            )
        for _ in range(30):
            openings.append(
                opening(
                    municipality=code,
                    occupation=rng.choice(occupations[:40]),
                    essential_skills=frozenset(rng.sample(skills, 3)),
                    optional_skills=frozenset(rng.sample(skills, 2)),
                    hours_min=float(rng.choice([4, 10, 20])),
                    location=Location(lat + rng.uniform(-0.2, 0.2), lon + rng.uniform(-0.2, 0.2)),
                    support_offered=frozenset(rng.sample(SUPPORT[:3], rng.randint(0, 2))),
                    flexjob=rng.random() < 0.3,
                )
            )
    return citizens, openings


def lists_of(work: list[national.Block], ranked: list[BlockRanking]) -> dict[str, list[str]]:
    by_region = {r.region: r for r in ranked}
    return {c: ids for block in work for c, ids, _ in ranked_lists(block, by_region[block.region])}


def assert_same_rankings(got: BlockRanking, expected: BlockRanking) -> None:
    assert got.region == expected.region
    np.testing.assert_array_equal(got.openings, expected.openings)
    np.testing.assert_array_equal(got.scores, expected.scores)


def test_danish_municipalities_fall_into_commuting_regions() -> None:
    assert commuting_region("DK-0101") == commuting_region("DK-0230") == "DK-capital"
    assert commuting_region("DK-0336") == "DK-3"
    assert commuting_region("SE-0180") == "SE-01"


def test_blocked_top_20_equals_exhaustive_scoring(space: SkillSpace) -> None:
    citizens, openings = population(space, 1)
    work = blocks(space, citizens, openings)
    assert {b.region for b in work} == {"DK-capital", "DK-3", "DK-4", "DK-8"}
    ours = lists_of(work, [rank_block(space, MODEL, block, top_n=20) for block in work])
    reference = exhaustive_top(space, MODEL, citizens, openings, top_n=20)
    assert agreement(ours, reference) >= 0.99
    assert ours == reference


def test_matrix_and_per_pair_paths_give_the_same_lists(space: SkillSpace) -> None:
    citizens, openings = population(space, 2)
    for block in blocks(space, citizens, openings):
        assert_same_rankings(
            rank_block(space, MODEL, block, top_n=20), rank_block_pairwise(space, MODEL, block, top_n=20)
        )


def test_a_block_ranked_in_small_citizen_chunks_gives_the_same_lists(
    space: SkillSpace, monkeypatch: pytest.MonkeyPatch
) -> None:
    citizens, openings = population(space, 3)
    work = blocks(space, citizens, openings)
    whole = [rank_block(space, MODEL, block, top_n=20) for block in work]
    monkeypatch.setattr(national, "CITIZENS_PER_CHUNK", 7)
    for block, expected in zip(work, whole, strict=True):
        assert_same_rankings(rank_block(space, MODEL, block, top_n=20), expected)


def test_citizens_added_a_chunk_at_a_time_make_the_same_blocks(space: SkillSpace) -> None:
    citizens, openings = population(space, 4)
    chunked = NationalPopulation(space)
    for start in range(0, len(citizens), 13):
        chunked.add_citizens(citizens[start : start + 13])
    chunked.add_openings(openings)
    at_once = blocks(space, citizens, openings)
    assert [b.region for b in chunked.blocks()] == [b.region for b in at_once]
    for got, expected in zip(chunked.blocks(), at_once, strict=True):
        assert got.citizens.ids.tolist() == expected.citizens.ids.tolist()
        assert got.openings == expected.openings
        assert_same_rankings(rank_block(space, MODEL, got, top_n=20), rank_block(space, MODEL, expected, top_n=20))


def test_ranked_lists_name_the_citizens_and_openings_best_first(space: SkillSpace) -> None:
    citizens, openings = population(space, 5)
    block = blocks(space, citizens, openings)[0]
    ranking = rank_block(space, MODEL, block, top_n=3)
    rows = ranked_lists(block, ranking, [2, 0])
    assert [c for c, _, _ in rows] == [block.citizens.ids[2], block.citizens.ids[0]]
    known = {o.id for o in block.openings}
    for _, ids, scores in rows:
        assert len(ids) == len(scores) <= 3
        assert set(ids) <= known
        assert scores == sorted(scores, reverse=True)
        assert all(s == round(s, 6) for s in scores)
