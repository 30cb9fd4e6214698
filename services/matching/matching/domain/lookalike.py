"""ESCO-derived look-alike cases: the hard test of a ranking (issue 18).

Occupations are grouped into clusters that share most essential skills (each seed occupation
with its nearest neighbours by the share of its essential skills they also require). Every
occupation gets a few openings (a varied share of its essential and optional skills, hours, the
support the workplace offers). A citizen of an occupation holds 35-60 % of its essential skills,
a few optional ones, 10-25 % of the essential skills of one or two neighbouring occupations in the
cluster, and a stray skill or two; some list the occupation (or, misleadingly, a neighbour's) as
an interest. Hours and essential support needs make some openings infeasible, but every citizen
has at least one feasible opening of their own occupation. The right answer for a citizen is an
opening of their own occupation.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

from taxonomy import Occupation, Taxonomy

from .profiles import CitizenProfile, Location, OpeningProfile

SUPPORT = ("mentor", "flexible_hours", "reduced_pace", "quiet_environment")
HERE = Location(55.6, 12.3)
NEIGHBOUR_SHARE = (0.05, 0.15)
MISLEADING_INTEREST = 0.05  # one place: distance says nothing, so skills must


@dataclass(frozen=True)
class LookalikeCases:
    openings: list[OpeningProfile]
    citizens: list[CitizenProfile]
    truth: list[str]  # each citizen's own occupation
    clusters: list[list[str]]


def occupation_clusters(
    taxonomy: Taxonomy, rng: np.random.Generator, *, clusters: int, size: int, min_essential: int = 8
) -> list[list[str]]:
    """Disjoint clusters of `size` occupations: a random seed and the occupations that share the
    largest share of its essential skills (at least half)."""
    candidates = sorted(code for code, o in taxonomy.occupations.items() if len(o.essential_skills) >= min_essential)
    essential = {code: frozenset(taxonomy.occupations[code].essential_skills) for code in candidates}
    by_skill: dict[str, list[str]] = {}
    for code in candidates:
        for skill in essential[code]:
            by_skill.setdefault(skill, []).append(code)
    used: set[str] = set()
    found: list[list[str]] = []
    for seed in rng.permutation(candidates).tolist():
        if len(found) == clusters:
            break
        if seed in used:
            continue
        shared: dict[str, int] = {}
        for skill in essential[seed]:
            for other in by_skill[skill]:
                if other != seed and other not in used:
                    shared[other] = shared.get(other, 0) + 1
        near = sorted(shared, key=lambda other: (-shared[other], other))[: size - 1]
        if len(near) < size - 1 or shared[near[-1]] < 0.5 * len(essential[seed]):
            continue
        cluster = [seed, *near]
        used.update(cluster)
        found.append(cluster)
    return found


def _sample(rng: np.random.Generator, codes: Sequence[str], share: float, *, at_least: int = 0) -> set[str]:
    if not codes:
        return set()
    k = min(len(codes), max(at_least, round(len(codes) * share)))
    return {str(code) for code in rng.choice(sorted(codes), size=k, replace=False)}


def _opening(rng: np.random.Generator, occupation: Occupation, index: int) -> OpeningProfile:
    essential = _sample(rng, occupation.essential_skills, rng.uniform(0.6, 0.9), at_least=3)
    optional = _sample(rng, occupation.optional_skills, rng.uniform(0.2, 0.5)) - essential
    return OpeningProfile(
        id=f"{occupation.code}#{index}",
        municipality="DK-0336",
        organisation_id=f"org-{index}",
        occupation=occupation.code,
        essential_skills=frozenset(essential),
        optional_skills=frozenset(optional),
        hours_min=float(rng.choice([4, 8, 15, 20, 25, 30])),
        hours_max=37.0,
        seats=1,
        support_offered=frozenset(str(s) for s in rng.choice(SUPPORT, size=2, replace=False)),
        location=HERE,
    )


def _citizen(
    rng: np.random.Generator, taxonomy: Taxonomy, index: int, own: Occupation, neighbours: list[Occupation]
) -> CitizenProfile:
    held = _sample(rng, own.essential_skills, rng.uniform(0.35, 0.6), at_least=2)
    held |= _sample(rng, own.optional_skills, rng.uniform(0.0, 0.2))
    other = neighbours[int(rng.integers(len(neighbours)))]
    held |= _sample(
        rng,
        sorted(set(other.essential_skills) - set(own.essential_skills)),
        rng.uniform(NEIGHBOUR_SHARE[0], NEIGHBOUR_SHARE[1]),
    )
    held |= {str(code) for code in rng.choice(list(taxonomy.skills), size=int(rng.integers(1, 3)), replace=False)}
    draw = rng.random()
    interests = (
        frozenset({own.code})
        if draw < 0.35
        else frozenset({neighbours[int(rng.integers(len(neighbours)))].code})
        if draw < 0.35 + MISLEADING_INTEREST
        else frozenset()
    )
    needs = frozenset({str(rng.choice(SUPPORT))}) if rng.random() < 0.25 else frozenset()
    return CitizenProfile(
        id=f"c{index}",
        municipality="DK-0336",
        target_group=str(rng.choice(["cash_benefit", "flexjob", "integration", "sickness_benefit"])),
        work_capacity_hours=float(rng.choice([10, 15, 20, 25, 30, 37])),
        skills=frozenset(held),
        essential_support_needs=needs,
        interests=interests,
        location=HERE,
        consent=True,
    )


def feasible(citizen: CitizenProfile, opening: OpeningProfile) -> bool:
    """The hard constraints: the citizen can work the minimum hours and every essential need is offered."""
    return (
        citizen.work_capacity_hours >= opening.hours_min and citizen.essential_support_needs <= opening.support_offered
    )


def _make_feasible(citizen: CitizenProfile, own_openings: list[OpeningProfile]) -> CitizenProfile:
    """Every citizen has a feasible opening of their own occupation: fit them to the easiest one."""
    if any(feasible(citizen, o) for o in own_openings):
        return citizen
    easiest = min(own_openings, key=lambda o: (not citizen.essential_support_needs <= o.support_offered, o.hours_min))
    needs = citizen.essential_support_needs & easiest.support_offered
    return replace(
        citizen, work_capacity_hours=max(citizen.work_capacity_hours, easiest.hours_min), essential_support_needs=needs
    )


def lookalike_cases(
    taxonomy: Taxonomy,
    *,
    seed: int,
    clusters: int = 60,
    cluster_size: int = 4,
    openings_per_occupation: int = 4,
    citizens_per_occupation: int = 3,
) -> LookalikeCases:
    """Openings and citizens of look-alike occupation clusters, reproducible from `seed`."""
    rng = np.random.default_rng(seed)
    groups = occupation_clusters(taxonomy, rng, clusters=clusters, size=cluster_size)
    openings: list[OpeningProfile] = []
    by_occupation: dict[str, list[OpeningProfile]] = {}
    for cluster in groups:
        for code in cluster:
            made = [
                _opening(rng, taxonomy.occupations[code], len(openings) + j) for j in range(openings_per_occupation)
            ]
            by_occupation[code] = made
            openings.extend(made)
    citizens: list[CitizenProfile] = []
    truth: list[str] = []
    for cluster in groups:
        for code in cluster:
            neighbours = [taxonomy.occupations[other] for other in cluster if other != code]
            for _ in range(citizens_per_occupation):
                drawn = _citizen(rng, taxonomy, len(citizens), taxonomy.occupations[code], neighbours)
                citizens.append(_make_feasible(drawn, by_occupation[code]))
                truth.append(code)
    return LookalikeCases(openings, citizens, truth, groups)
