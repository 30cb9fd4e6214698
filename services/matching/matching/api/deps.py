"""Annotated dependency aliases so endpoints stay a few lines."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import Depends, Request

from matching.clients.outcomes import OutcomesClient
from matching.usecases.engine import Engine
from servicekit.access_log import Actor
from servicekit.access_outbox import ActorDep, current_actor
from servicekit.auth import Principal, require_scope
from servicekit.db import SessionDep
from servicekit.idempotency import IdempotencyDep
from servicekit.openapi import ERRORS as COMMON_ERRORS
from servicekit.openapi import Responses
from servicekit.state import state_dependency

Reader = Annotated[Principal, require_scope("matching:read", "matching:run")]
Runner = Annotated[Principal, require_scope("matching:run")]
Internal = Annotated[Principal, require_scope("internal")]


async def _reading_actor(principal: Reader) -> Actor:
    return await current_actor(principal)


async def _running_actor(principal: Runner) -> Actor:
    return await current_actor(principal)


# Who asks (for the access log), admitted with matching:read (or :run), or with matching:run.
ReadingActor = Annotated[Actor, Depends(_reading_actor)]
RunningActor = Annotated[Actor, Depends(_running_actor)]


async def _no_refresh() -> None:
    return None


async def _feed_refresh(request: Request) -> Callable[[], Awaitable[None]]:
    """Catches the feature store up with the registry on a miss; a no-op while the feed is off."""
    if not request.app.state.settings.feed_enabled:
        return _no_refresh
    refresh: Callable[[], Awaitable[None]] = request.app.state.feed.refresh
    return refresh


EngineDep = Annotated[Engine, Depends(state_dependency("engine"))]
# Call on a miss: a citizen or opening created a moment ago may not have reached the feature store.
FeedRefresh = Annotated[Callable[[], Awaitable[None]], Depends(_feed_refresh)]
OutcomesDep = Annotated[OutcomesClient, Depends(state_dependency("outcomes"))]

# Any endpoint that scores may also answer 409: the stored active model cannot be loaded (retrain it),
# the citizen has no consent for matching, the opening is closed, a trained model does not beat the
# default.
ERRORS: Responses = {
    **COMMON_ERRORS,
    409: {"description": "The request cannot be served in the current state (e.g. no consent)"},
}

__all__ = [
    "ERRORS",
    "ActorDep",
    "EngineDep",
    "FeedRefresh",
    "IdempotencyDep",
    "Internal",
    "OutcomesDep",
    "Reader",
    "ReadingActor",
    "Runner",
    "RunningActor",
    "SessionDep",
]
