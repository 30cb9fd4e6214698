"""Reads the project's own starter vocabulary (data/taxonomy/*.csv) for machines without ESCO."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

from .model import Occupation, Skill, SkillGroup, Taxonomy

# libs/taxonomy/taxonomy/starter.py → the repository root is three folders up.
STARTER_DIR = Path(__file__).resolve().parents[3] / "data" / "taxonomy"


def read_rows(path: Path) -> Iterator[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        yield from csv.DictReader(handle)


def split_codes(value: str) -> tuple[str, ...]:
    return tuple(code for code in value.split("|") if code)


def load_starter(starter_dir: Path = STARTER_DIR) -> Taxonomy:
    """Parse the starter vocabulary: skills with groups and broader skills, occupations, relations."""
    skill_groups = {
        row["code"]: SkillGroup(row["code"], row["label"]) for row in read_rows(starter_dir / "skill_groups.csv")
    }
    skills = {
        row["code"]: Skill(
            code=row["code"],
            label=row["label"],
            groups=split_codes(row["group"]),
            broader=split_codes(row["broader"]),
            transversal=row["transversal"] == "true",
        )
        for row in read_rows(starter_dir / "skills.csv")
    }
    essential: dict[str, list[str]] = {}
    optional: dict[str, list[str]] = {}
    for row in read_rows(starter_dir / "occupation_skills.csv"):
        (essential if row["relation"] == "essential" else optional).setdefault(row["occupation"], []).append(
            row["skill"]
        )
    occupation_rows = list(read_rows(starter_dir / "occupations.csv"))
    occupations = {
        row["code"]: Occupation(
            row["code"], row["label"], tuple(essential.get(row["code"], ())), tuple(optional.get(row["code"], ()))
        )
        for row in occupation_rows
    }
    related: dict[str, set[str]] = {}
    for row in read_rows(starter_dir / "skill_relations.csv"):
        related.setdefault(row["skill"], set()).add(row["related"])
        related.setdefault(row["related"], set()).add(row["skill"])
    return Taxonomy(
        source="starter",
        skills=skills,
        occupations=occupations,
        skill_groups=skill_groups,
        related_skills={code: frozenset(others) for code, others in related.items()},
        programme=tuple((row["family"], row["code"]) for row in occupation_rows),
    )


def programme_esco_occupations(starter_dir: Path = STARTER_DIR) -> tuple[tuple[str, str], ...]:
    """(family, ESCO occupation URI) of the programme's jobs, as listed beside the starter vocabulary."""
    return tuple(
        (row["family"], row["esco_uri"]) for row in read_rows(starter_dir / "occupations.csv") if row["esco_uri"]
    )
