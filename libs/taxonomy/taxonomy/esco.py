"""Reads the ESCO CSV package (v1.1.x, English) straight from the two zips the EU distributes."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator
from pathlib import Path

from .model import Occupation, Skill, SkillGroup, Taxonomy

CLASSIFICATION_ZIP = "esco-v*-classification-en-csv.zip"
RELATIONS_ZIP = "esco-v*-relations-csv.zip"


class EscoPackageMissing(FileNotFoundError):
    """The configured folder does not hold the two ESCO zips."""


def find_zip(esco_dir: Path, pattern: str) -> Path:
    matches = sorted(esco_dir.glob(pattern))
    if not matches:
        raise EscoPackageMissing(f"{esco_dir} holds no file matching {pattern}")
    return matches[-1]


def read_csv(archive: zipfile.ZipFile, name: str) -> Iterator[dict[str, str]]:
    """Rows of the member whose file name is `name`, wherever the zip places it."""
    member = next((m for m in archive.namelist() if m.rsplit("/", 1)[-1] == name), None)
    if member is None:
        raise EscoPackageMissing(f"{archive.filename} has no {name}")
    with archive.open(member) as raw:
        yield from csv.DictReader(io.TextIOWrapper(raw, encoding="utf-8-sig", newline=""))


def version_of(path: Path) -> str:
    return path.name.split("-")[1]


def load_esco(esco_dir: Path) -> Taxonomy:
    """Parse skills, groups, hierarchy, transversal flags, occupations and relations."""
    classification_path = find_zip(esco_dir, CLASSIFICATION_ZIP)
    relations_path = find_zip(esco_dir, RELATIONS_ZIP)
    with zipfile.ZipFile(classification_path) as classification, zipfile.ZipFile(relations_path) as relations:
        skill_labels = {row["conceptUri"]: row["preferredLabel"] for row in read_csv(classification, "skills_en.csv")}
        transversal = {
            row["conceptUri"] for row in read_csv(classification, "skills_en.csv") if row["reuseLevel"] == "transversal"
        }
        transversal |= {row["conceptUri"] for row in read_csv(classification, "transversalSkillsCollection_en.csv")}
        group_rows = list(read_csv(classification, "skillGroups_en.csv"))
        occupation_labels = {
            row["conceptUri"]: row["preferredLabel"] for row in read_csv(classification, "occupations_en.csv")
        }

        groups_of: dict[str, list[str]] = {}
        broader_of: dict[str, list[str]] = {}
        for row in read_csv(relations, "broaderRelationsSkillPillar.csv"):
            target = groups_of if row["broaderType"] == "SkillGroup" else broader_of
            target.setdefault(row["conceptUri"], []).append(row["broaderUri"])

        essential: dict[str, list[str]] = {}
        optional: dict[str, list[str]] = {}
        for row in read_csv(relations, "occupationSkillRelations.csv"):
            (essential if row["relationType"] == "essential" else optional).setdefault(row["occupationUri"], []).append(
                row["skillUri"]
            )

        related: dict[str, set[str]] = {}
        for row in read_csv(relations, "skillSkillRelations.csv"):
            a, b = row["originalSkillUri"], row["relatedSkillUri"]
            related.setdefault(a, set()).add(b)
            related.setdefault(b, set()).add(a)

    skill_groups = {
        row["conceptUri"]: SkillGroup(
            row["conceptUri"], row["preferredLabel"], tuple(groups_of.get(row["conceptUri"], ()))
        )
        for row in group_rows
    }
    skills = {
        code: Skill(
            code=code,
            label=label,
            groups=tuple(groups_of.get(code, ())),
            broader=tuple(b for b in broader_of.get(code, ()) if b in skill_labels),
            transversal=code in transversal,
        )
        for code, label in skill_labels.items()
    }
    occupations = {
        code: Occupation(
            code=code,
            label=label,
            essential_skills=tuple(s for s in essential.get(code, ()) if s in skills),
            optional_skills=tuple(s for s in optional.get(code, ()) if s in skills),
        )
        for code, label in occupation_labels.items()
    }
    return Taxonomy(
        source=f"esco-{version_of(classification_path)}",
        skills=skills,
        occupations=occupations,
        skill_groups=skill_groups,
        related_skills={code: frozenset(others) for code, others in related.items() if code in skills},
    )
