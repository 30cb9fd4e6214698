"""Runs against the official ESCO v1.1.1 zips; skipped (with the reason) when ESCO_DIR is unset."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from taxonomy import EscoPackageMissing, Taxonomy, load_taxonomy
from taxonomy.esco import load_esco

NO_ESCO = "ESCO_DIR is unset: ESCO is the EU's data and is not in this repository (CI sets ESCO_DIR)"
BUILDING_CLEANER = "http://data.europa.eu/esco/occupation/303a1e34-cb16-4054-b323-81e5eec17397"


@pytest.mark.esco
def test_esco_counts_match_the_published_package(esco: Taxonomy) -> None:
    assert esco.source == "esco-v1.1.1"
    assert len(esco.skills) == 13_896
    assert len(esco.occupations) == 3_007
    relations = sum(len(o.essential_skills) + len(o.optional_skills) for o in esco.occupations.values())
    # 123,855 rows in the package; the 67 that name a skill absent from skills_en.csv are dropped.
    assert relations == 123_788


@pytest.mark.esco
def test_esco_skills_carry_groups_hierarchy_and_transversal_flags(esco: Taxonomy) -> None:
    assert all(skill.groups or skill.broader for skill in esco.skills.values())
    assert sum(skill.transversal for skill in esco.skills.values()) > 100
    assert len(esco.related_skills) > 1_000
    assert all(code.startswith("http://data.europa.eu/esco/skill/") for code in esco.skills)


@pytest.mark.esco
def test_programme_occupations_resolve_in_esco(esco: Taxonomy) -> None:
    programme = esco.programme_occupations()
    assert len(programme) == 22
    assert esco.occupations[BUILDING_CLEANER].essential_skills


@pytest.mark.esco
def test_partial_credit_follows_the_esco_hierarchy(esco: Taxonomy) -> None:
    child = next(skill for skill in esco.skills.values() if skill.broader)
    assert esco.skill_credit({child.code}, child.broader[0]) == 0.5


@pytest.mark.esco
def test_esco_parse_is_fast_enough() -> None:
    esco_dir = os.environ.get("ESCO_DIR")
    if not esco_dir:
        pytest.skip(NO_ESCO)
    started = time.perf_counter()
    load_esco(Path(esco_dir))
    assert time.perf_counter() - started < 10
    assert load_taxonomy(Path(esco_dir)) is load_taxonomy(Path(esco_dir))


def test_folder_without_zips_says_what_is_missing(tmp_path: Path) -> None:
    with pytest.raises(EscoPackageMissing, match="classification"):
        load_esco(tmp_path)
