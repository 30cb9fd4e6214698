"""Reads the project's own starter vocabulary (taxonomy/starter_vocabulary/*.csv) for machines without ESCO."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from importlib import resources
from importlib.resources.abc import Traversable

from .model import Occupation, Skill, SkillGroup, Taxonomy

# Package data, so an installed taxonomy (a container image, a wheel) finds it without the source tree.
STARTER_DIR = resources.files("taxonomy") / "starter_vocabulary"


def read_rows(path: Traversable) -> Iterator[dict[str, str]]:
    # Traversable.open takes no `newline`: read the text and let csv see the line ends unchanged.
    yield from csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"), newline=""))


def split_codes(value: str) -> tuple[str, ...]:
    return tuple(code for code in value.split("|") if code)


def load_starter(starter_dir: Traversable = STARTER_DIR) -> Taxonomy:
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


def programme_esco_occupations(starter_dir: Traversable = STARTER_DIR) -> tuple[tuple[str, str], ...]:
    """(family, ESCO occupation URI) of the programme's jobs, as listed beside the starter vocabulary."""
    return tuple(
        (row["family"], row["esco_uri"]) for row in read_rows(starter_dir / "occupations.csv") if row["esco_uri"]
    )
