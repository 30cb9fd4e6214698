"""Skill and occupation codes of the taxonomy the stacks under test load: ESCO when ESCO_DIR is
set (as in CI), the project's starter vocabulary otherwise. Payloads must use these, never a
hard-coded code from one of the two."""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path

from taxonomy import load_taxonomy


@cache
def kitchen_codes() -> tuple[str, str]:
    """(occupation, one of its essential skills) for the programme's kitchen assistant job."""
    esco = os.environ.get("ESCO_DIR")
    occupations = load_taxonomy(Path(esco) if esco else None).programme_occupations()
    usable = [item.occupation for item in occupations if item.occupation.essential_skills]
    assert usable, "the taxonomy has no programme occupations with essential skills"
    kitchen = next((o for o in usable if "kitchen" in o.label.lower()), usable[0])
    return kitchen.code, kitchen.essential_skills[0]


def occupation_code() -> str:
    return kitchen_codes()[0]


def skill_code() -> str:
    return kitchen_codes()[1]
