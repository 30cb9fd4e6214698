"""Quality on data generated from ESCO occupation-skill relations (needs ESCO_DIR; CI sets it).

Openings are drawn from an occupation's profile with variation (a random share of its essential
and optional skills, one stray skill) so no two openings tie; citizens hold a noisy sample of one
occupation's skills (some dropped, some replaced by unrelated skills). A citizen's openings of
that occupation should rank in their top 5.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

from matching.domain.batch import batch_top_n
from matching.domain.blocks import opening_block
from matching.domain.profiles import CitizenProfile, Location, OpeningProfile
from matching.domain.ranking import WeightedDefaultModel
from matching.domain.retrieval import opening_index
from matching.domain.skill_space import SkillSpace
from taxonomy import Taxonomy, load_taxonomy

OCCUPATIONS = 200
OPENINGS_PER_OCCUPATION = 5
CITIZENS = 600
HERE = Location(55.6, 12.3)


def sample(rng: np.random.Generator, codes: tuple[str, ...], share: float) -> set[str]:
    k = max(1, round(len(codes) * share))
    return set(rng.choice(codes, size=min(k, len(codes)), replace=False).tolist())


def generate(
    taxonomy: Taxonomy, rng: np.random.Generator
) -> tuple[list[OpeningProfile], list[CitizenProfile], list[str]]:
    eligible = sorted(code for code, o in taxonomy.occupations.items() if len(o.essential_skills) >= 8)
    chosen = rng.choice(eligible, size=OCCUPATIONS, replace=False).tolist()
    all_skills = tuple(taxonomy.skills)
    openings = []
    for occupation_code in chosen:
        occupation = taxonomy.occupations[occupation_code]
        for j in range(OPENINGS_PER_OCCUPATION):
            essential = sample(rng, occupation.essential_skills, rng.uniform(0.5, 0.9))
            optional = (
                sample(rng, occupation.optional_skills, rng.uniform(0.3, 0.7)) if occupation.optional_skills else set()
            )
            optional.add(str(rng.choice(all_skills)))
            openings.append(
                OpeningProfile(
                    id=f"{occupation_code}#{j}",
                    municipality="DK-0336",
                    organisation_id="org",
                    occupation=occupation_code,
                    essential_skills=frozenset(essential),
                    optional_skills=frozenset(optional - essential),
                    hours_min=4,
                    hours_max=float(rng.integers(10, 37)),
                    location=HERE,
                )
            )
    citizens, truth = [], []
    for i in range(CITIZENS):
        occupation = taxonomy.occupations[chosen[i % OCCUPATIONS]]
        held = sample(rng, occupation.essential_skills + occupation.optional_skills, rng.uniform(0.3, 0.6))
        noise = {str(code) for code in rng.choice(all_skills, size=max(1, len(held) // 4), replace=False)}
        dropped = set(rng.choice(sorted(held), size=len(held) // 5, replace=False).tolist()) if len(held) > 4 else set()
        citizens.append(
            CitizenProfile(
                id=f"c{i}",
                municipality="DK-0336",
                target_group="cash_benefit",
                work_capacity_hours=30,
                skills=frozenset((held - dropped) | noise),
                location=HERE,
                consent=True,
            )
        )
        truth.append(occupation.code)
    return openings, citizens, truth


def ndcg_at_10(relevant: np.ndarray, n_relevant: int) -> float:
    gains = relevant[:10] / np.log2(np.arange(2, 12))
    ideal = (1 / np.log2(np.arange(2, 12)))[: min(n_relevant, 10)].sum()
    return float(gains.sum() / ideal)


@pytest.mark.esco
def test_citizens_find_their_occupations_openings_in_top_5(capsys: pytest.CaptureFixture[str]) -> None:
    esco_dir = os.environ.get("ESCO_DIR")
    if not esco_dir:
        pytest.skip(
            "ESCO_DIR is unset: ESCO (EU data) is not in this repository; CI sets ESCO_DIR to the ESCO zips' folder"
        )
    taxonomy = load_taxonomy(Path(esco_dir))
    space = SkillSpace(taxonomy)
    openings, citizens, truth = generate(taxonomy, np.random.default_rng(7))
    obox = opening_block(space, openings)
    lists = batch_top_n(space, WeightedDefaultModel(), obox, opening_index(obox), citizens, top_n=10, pool=50).opening
    occupation_of = np.array([o.occupation for o in openings] + [""])
    relevant = occupation_of[lists] == np.array(truth)[:, None]
    hit_at_5 = relevant[:, :5].any(axis=1).mean()
    precision_at_5 = relevant[:, :5].mean()
    ndcg = np.mean([ndcg_at_10(row.astype(float), OPENINGS_PER_OCCUPATION) for row in relevant])
    with capsys.disabled():
        print(
            f"\nESCO quality ({CITIZENS} citizens, {len(openings)} openings of {OCCUPATIONS} occupations): "
            f"hit@5 {hit_at_5:.3f}  precision@5 {precision_at_5:.3f}  NDCG@10 {ndcg:.3f}"
        )
    assert hit_at_5 >= 0.8
