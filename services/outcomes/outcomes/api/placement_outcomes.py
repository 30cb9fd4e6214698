"""/internal/v1/placement-outcomes — training labels for matching: did a placement last three months?"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query

from outcomes.api.deps import CursorCodecDep, Internal, SessionDep
from outcomes.schemas.placement_outcomes import PlacementOutcomePage
from outcomes.usecases import placement_outcomes
from servicekit.pagination import Keyset
from servicekit.routing import JsonRoute

router = APIRouter(route_class=JsonRoute, prefix="/internal/v1/placement-outcomes", tags=["internal"])
# Paged by citizen (a citizen's placements never split across pages), in pages larger than a public list's.
KEYSET = Keyset.by_id("placement-outcomes")


@router.get("", response_model=PlacementOutcomePage)
async def list_placement_outcomes(
    session: SessionDep,
    principal: Internal,
    codec: CursorCodecDep,
    cursor: Annotated[str | None, Query(max_length=512)] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 500,
) -> PlacementOutcomePage:
    """Placements with their three-month outcome, paged by citizen (scope internal)."""
    after = KEYSET.start(codec, cursor)
    items, last = await placement_outcomes.list_placement_outcomes(
        session, after=after, limit=limit, today=date.today()
    )
    return PlacementOutcomePage(items=items, next_cursor=KEYSET.cursor(codec, last))
