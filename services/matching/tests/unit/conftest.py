from __future__ import annotations

import uuid
from typing import Any

import pytest

from matching.domain.profiles import CitizenProfile, Location, OpeningProfile
from matching.domain.skill_space import SkillSpace
from taxonomy import load_taxonomy

STEVNS = Location(55.33, 12.45)
KITCHEN_ESSENTIAL = frozenset({"bb:skill:wash-dishes", "bb:skill:food-hygiene", "bb:skill:operate-kitchen-equipment"})


@pytest.fixture(scope="session")
def space() -> SkillSpace:
    return SkillSpace(load_taxonomy(None))


def citizen(**overrides: Any) -> CitizenProfile:
    values: dict[str, Any] = {
        "id": str(uuid.uuid4()),
        "municipality": "DK-0336",
        "target_group": "cash_benefit",
        "work_capacity_hours": 20.0,
        "skills": KITCHEN_ESSENTIAL,
        "location": STEVNS,
        "consent": True,
    }
    values.update(overrides)
    return CitizenProfile(**values)


def opening(**overrides: Any) -> OpeningProfile:
    values: dict[str, Any] = {
        "id": str(uuid.uuid4()),
        "municipality": "DK-0336",
        "organisation_id": "org-1",
        "occupation": "bb:occupation:kitchen-porter",
        "essential_skills": KITCHEN_ESSENTIAL,
        "optional_skills": frozenset({"bb:skill:store-food"}),
        "hours_min": 4.0,
        "hours_max": 20.0,
        "location": STEVNS,
    }
    values.update(overrides)
    return OpeningProfile(**values)
