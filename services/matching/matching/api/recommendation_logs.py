"""/v1/recommendation-logs — the recommendation lists served for a citizen, as served."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query

from matching.api.deps import ERRORS, ReadingActor, SessionDep
from matching.schemas.recommendation_logs import RecommendationLogPage
from matching.usecases import records
from servicekit.pagination import CursorCodecDep, Keyset, PageParamsDep
from servicekit.routing import JsonRoute

router = APIRouter(route_class=JsonRoute, prefix="/v1/recommendation-logs", tags=["recommendation-logs"])


KEYSET = Keyset.by_time("recommendation-logs", "served_at")


@router.get("", response_model=RecommendationLogPage, responses=ERRORS)
async def list_recommendation_logs(
    session: SessionDep,
    actor: ReadingActor,
    page: PageParamsDep,
    codec: CursorCodecDep,
    citizen_id: Annotated[uuid.UUID, Query(description="The citizen whose served lists to read")],
) -> RecommendationLogPage:
    """Every list served for the citizen, newest first: items with score, rank and explanation,
    the model, who was served and when (only the citizen's municipality sees them; the read is
    reported to the registry's access log)."""
    after = KEYSET.start(codec, page)
    found = await records.recommendation_logs(session, citizen_id, actor, after=after, limit=page.limit + 1)
    items, next_cursor = KEYSET.page(codec, page, found, lambda log: (log.served_at, log.id))
    return RecommendationLogPage(items=items, next_cursor=next_cursor)
