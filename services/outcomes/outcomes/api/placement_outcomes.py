"""/internal/v1/placement-outcomes — training labels for matching: did a placement last three months?"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query

from outcomes.api.deps import CursorCodecDep, Internal, SessionDep
from outcomes.schemas.placement_outcomes import PlacementOutcomePage
from outcomes.usecases import placement_outcomes
from servicekit.routing import JsonRoute

router = APIRouter(route_class=JsonRoute, prefix="/internal/v1/placement-outcomes", tags=["internal"])


@router.get("", response_model=PlacementOutcomePage)
async def list_placement_outcomes(
    session: SessionDep,
    principal: Internal,
    codec: CursorCodecDep,
    cursor: Annotated[str | None, Query(max_length=512)] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 500,
) -> PlacementOutcomePage:
    """Placements with their three-month outcome, paged by citizen (scope internal)."""
    after = uuid.UUID(codec.decode(cursor, kind="placement-outcomes")["citizen"]) if cursor else None
    items, last = await placement_outcomes.list_placement_outcomes(
        session, after=after, limit=limit, today=date.today()
    )
    next_cursor = codec.encode({"citizen": str(last)}, kind="placement-outcomes") if last else None
    return PlacementOutcomePage(items=items, next_cursor=next_cursor)
