"""/v1/recommendation-logs — the recommendation lists served for a citizen, as served."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query

from matching.api.deps import ERRORS, ReadingActor, SessionDep
from matching.schemas.recommendation_logs import RecommendationLogPage
from matching.usecases import records
from servicekit.routing import JsonRoute

router = APIRouter(route_class=JsonRoute, prefix="/v1/recommendation-logs", tags=["recommendation-logs"])


@router.get("", response_model=RecommendationLogPage, responses=ERRORS)
async def list_recommendation_logs(
    session: SessionDep,
    actor: ReadingActor,
    citizen_id: Annotated[uuid.UUID, Query(description="The citizen whose served lists to read")],
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> RecommendationLogPage:
    """Every list served for the citizen, newest first: items with score, rank and explanation,
    the model, who was served and when (only the citizen's municipality sees them; the read is
    reported to the registry's access log)."""
    return RecommendationLogPage(items=await records.recommendation_logs(session, citizen_id, actor, limit=limit))
