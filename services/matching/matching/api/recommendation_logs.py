"""/v1/recommendation-logs — the recommendation lists served for a citizen, as served."""

from __future__ import annotations

from fastapi import APIRouter

from matching.api.deps import ERRORS, CitizenRecordsDep
from matching.schemas.recommendation_logs import RecommendationLogPage
from matching.usecases import records
from servicekit.pagination import Keyset
from servicekit.routing import JsonRoute

router = APIRouter(route_class=JsonRoute, prefix="/v1/recommendation-logs", tags=["recommendation-logs"])


KEYSET = Keyset.by_time("recommendation-logs", "served_at")


@router.get("", response_model=RecommendationLogPage, responses=ERRORS)
async def list_recommendation_logs(listing: CitizenRecordsDep) -> RecommendationLogPage:
    """Every list served for the citizen, newest first: items with score, rank and explanation,
    the model, who was served and when (only the citizen's municipality sees them; the read is
    reported to the registry's access log)."""
    items, next_cursor = await listing.newest_first(
        KEYSET, records.recommendation_logs, lambda log: (log.served_at, log.id)
    )
    return RecommendationLogPage(items=items, next_cursor=next_cursor)
