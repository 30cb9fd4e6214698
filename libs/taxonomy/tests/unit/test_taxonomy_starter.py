from __future__ import annotations

from pathlib import Path

from taxonomy import Taxonomy, load_taxonomy

FAMILIES = {"cleaning", "kitchen", "warehouse", "retail", "gardening", "care", "production", "transport"}


def test_starter_vocabulary_has_programme_sized_content(starter: Taxonomy) -> None:
    assert starter.source == "starter"
    assert len(starter.skills) >= 80
    assert len(starter.occupations) >= 20


def test_every_occupation_skill_and_relation_names_a_known_skill(starter: Taxonomy) -> None:
    for occupation in starter.occupations.values():
        assert occupation.essential_skills, occupation.code
        assert all(starter.is_skill(code) for code in occupation.essential_skills + occupation.optional_skills)
    for code, others in starter.related_skills.items():
        assert starter.is_skill(code)
        assert all(starter.is_skill(other) for other in others)
    for skill in starter.skills.values():
        assert all(group in starter.skill_groups for group in skill.groups)
        assert all(starter.is_skill(parent) for parent in skill.broader)


def test_codes_use_the_projects_own_prefixes(starter: Taxonomy) -> None:
    assert all(code.startswith("bb:skill:") for code in starter.skills)
    assert all(code.startswith("bb:occupation:") for code in starter.occupations)
    assert starter.is_skill("bb:skill:wash-dishes")
    assert not starter.is_skill("bb:occupation:cook")
    assert starter.is_occupation("bb:occupation:cook")
    assert not starter.is_occupation("bb:skill:wash-dishes")


def test_programme_occupations_cover_every_job_family(starter: Taxonomy) -> None:
    programme = starter.programme_occupations()
    assert {item.family for item in programme} == FAMILIES
    assert all(starter.is_occupation(item.occupation.code) for item in programme)


def test_transversal_flag_is_read(starter: Taxonomy) -> None:
    assert starter.skills["bb:skill:teamwork"].transversal
    assert not starter.skills["bb:skill:wash-dishes"].transversal


def test_loading_twice_returns_the_cached_parse() -> None:
    assert load_taxonomy(None) is load_taxonomy(None)


def test_starter_files_are_package_data_of_taxonomy() -> None:
    from taxonomy.starter import STARTER_DIR

    assert Path(__file__).resolve().parents[2] / "taxonomy" / "starter_vocabulary" == Path(str(STARTER_DIR))
    assert {"occupations.csv", "skills.csv"} <= {entry.name for entry in STARTER_DIR.iterdir()}
