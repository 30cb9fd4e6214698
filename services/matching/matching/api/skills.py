"""/v1/skills — search the skill vocabulary (labels) for front ends."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from matching.api.common import ERRORS
from matching.api.deps import EngineDep, Reader
from matching.schemas import SkillPage, SkillRead
from servicekit.routing import JsonRoute

router = APIRouter(route_class=JsonRoute, prefix="/v1/skills", tags=["skills"])


@router.get("", response_model=SkillPage, responses=ERRORS)
async def search_skills(
    principal: Reader,
    engine: EngineDep,
    q: Annotated[str, Query(min_length=2, max_length=100, description="Part of a skill label")],
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> SkillPage:
    """Skills whose label contains `q` (case-insensitive), shortest label first."""
    needle = q.casefold()
    found = sorted(
        (s for s in engine.taxonomy.skills.values() if needle in s.label.casefold()),
        key=lambda s: (len(s.label), s.label),
    )
    return SkillPage(items=[SkillRead(code=s.code, label=s.label, transversal=s.transversal) for s in found[:limit]])
