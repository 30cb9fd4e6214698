"""/internal/v1/changes — the ordered change feed that matching and outcomes follow."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from registry.api.deps import ChangesListener, Internal
from registry.feed.pages import changes_page
from registry.schemas.changes import ChangePage, FeedEntity
from servicekit.db import DatabaseDep
from servicekit.feed_query import DEFAULT_LIMIT, MAX_WAIT_SECONDS, FeedAfter, FeedLimit, feed_position
from servicekit.routing import JsonRoute

router = APIRouter(route_class=JsonRoute, prefix="/internal/v1/changes", tags=["internal"])


@router.get("", response_model=ChangePage)
async def read_feed(
    request: Request,
    database: DatabaseDep,
    listener: ChangesListener,
    principal: Internal,
    after: FeedAfter = None,
    limit: FeedLimit = DEFAULT_LIMIT,
    wait: Annotated[
        float,
        Query(
            ge=0,
            le=MAX_WAIT_SECONDS,
            description="Long poll: with no change after the cursor, answer when one is committed or after "
            "this many seconds (0: at once)",
        ),
    ] = 0,
    entity: Annotated[
        list[FeedEntity] | None,
        Query(
            description="Only changes of these entities (repeat for several); the cursor still moves to "
            "the head when none is left, so a follower that wants little reads little"
        ),
    ] = None,
) -> Response:
    """Changes after a cursor, in commit order (scope internal)."""
    body = await changes_page(
        database,
        principal.tenant,
        listener,
        after=feed_position(after),
        limit=limit,
        wait=wait,
        gone=request.is_disconnected,
        entities=entity,
    )
    # The body is ChangePage's JSON, assembled by the feed around the items PostgreSQL serialised.
    return Response(content=body, media_type="application/json")
