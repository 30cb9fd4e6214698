"""/v1/skills — search the skill vocabulary (labels) for front ends."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from matching.api.deps import EngineDep, Reader
from matching.schemas.skills import SkillPage, SkillRead
from matching.usecases import skills
from servicekit.openapi import ERRORS
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
    found = skills.search_skills(engine.taxonomy, q, limit=limit)
    return SkillPage(items=[SkillRead(code=s.code, label=s.label, transversal=s.transversal) for s in found])
