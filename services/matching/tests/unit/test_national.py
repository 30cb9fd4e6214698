"""The national ranking: blocking by commuting region changes nothing against exhaustive scoring."""

from __future__ import annotations

import random

from matching.domain.national import (
    agreement,
    blocks,
    commuting_region,
    exhaustive_top,
    rank_block,
    rank_block_pairwise,
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


def population(space: SkillSpace, seed: int) -> tuple[list[CitizenProfile], list[OpeningProfile]]:
    rng = random.Random(seed)
    skills = sorted(space.codes)
    occupations = sorted(space.taxonomy.occupations)
    citizens: list[CitizenProfile] = []
    openings: list[OpeningProfile] = []
    for code, (lat, lon) in MUNICIPALITIES.items():
        for _ in range(40):
            citizens.append(
                citizen(
                    municipality=code,
                    skills=frozenset(rng.sample(skills, rng.randint(1, 6))),
                    work_capacity_hours=float(rng.choice([5, 15, 37])),
                    location=Location(lat + rng.uniform(-0.2, 0.2), lon + rng.uniform(-0.2, 0.2)),
                )
            )
        for _ in range(30):
            openings.append(
                opening(
                    municipality=code,
                    occupation=rng.choice(occupations),
                    essential_skills=frozenset(rng.sample(skills, 3)),
                    optional_skills=frozenset(rng.sample(skills, 2)),
                    hours_min=float(rng.choice([4, 10, 20])),
                    location=Location(lat + rng.uniform(-0.2, 0.2), lon + rng.uniform(-0.2, 0.2)),
                )
            )
    return citizens, openings


def test_danish_municipalities_fall_into_commuting_regions() -> None:
    assert commuting_region("DK-0101") == commuting_region("DK-0230") == "DK-capital"
    assert commuting_region("DK-0336") == "DK-3"
    assert commuting_region("SE-0180") == "SE-01"


def test_blocked_top_20_equals_exhaustive_scoring(space: SkillSpace) -> None:
    citizens, openings = population(space, 1)
    work = blocks(citizens, openings)
    assert {b.region for b in work} == {"DK-capital", "DK-3", "DK-4", "DK-8"}
    ours: dict[str, list[str]] = {}
    for block in work:
        ranked = rank_block(space, MODEL, block, top_n=20)
        ours.update(zip(ranked.citizen_ids, ranked.opening_ids, strict=True))
    reference = exhaustive_top(space, MODEL, citizens, openings, top_n=20)
    assert agreement(ours, reference) >= 0.99
    assert ours == reference


def test_matrix_and_per_pair_paths_give_the_same_lists(space: SkillSpace) -> None:
    citizens, openings = population(space, 2)
    for block in blocks(citizens, openings):
        fast = rank_block(space, MODEL, block, top_n=20)
        slow = rank_block_pairwise(space, MODEL, block, top_n=20)
        assert fast.opening_ids == slow.opening_ids
        assert fast.scores == slow.scores
