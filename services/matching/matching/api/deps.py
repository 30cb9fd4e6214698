"""Annotated dependency aliases so endpoints stay a few lines."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated, Protocol, TypeVar

from fastapi import Depends, Query, Request

from matching.clients.outcomes import OutcomesClient
from matching.usecases.engine import Engine
from servicekit.access_log import Actor
from servicekit.access_outbox import ActorDep, current_actor
from servicekit.auth import Principal, require_scope
from servicekit.db import SessionDep
from servicekit.idempotency import IdempotencyDep
from servicekit.openapi import ERRORS as COMMON_ERRORS
from servicekit.openapi import Responses
from servicekit.pagination import CursorCodec, CursorCodecDep, Keyset, PageParams, PageParamsDep, TimePosition
from servicekit.state import state_dependency

Answer = TypeVar("Answer")
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


class CitizenRecordsRead(Protocol[Answer]):
    """A usecase reading one citizen's records newest first (`records.decisions_of`, `…recommendation_logs`)."""

    def __call__(
        self, session: SessionDep, citizen_id: uuid.UUID, actor: Actor, *, after: TimePosition | None, limit: int
    ) -> Awaitable[list[Answer]]: ...


@dataclass(frozen=True)
class CitizenRecords:
    """What a list of one citizen's records takes: who reads (for the access log), the citizen, the page."""

    session: SessionDep
    actor: Actor
    page: PageParams
    codec: CursorCodec
    citizen_id: uuid.UUID

    async def newest_first(
        self, keyset: Keyset[TimePosition], read: CitizenRecordsRead[Answer], at: Callable[[Answer], TimePosition]
    ) -> tuple[list[Answer], str | None]:
        """One page of them: `read` loads limit + 1 after the cursor; `at` is where a record stands."""
        after = keyset.start(self.codec, self.page.cursor)
        found = await read(self.session, self.citizen_id, self.actor, after=after, limit=self.page.limit + 1)
        return keyset.page(self.codec, self.page.limit, found, at)


async def _citizen_records(
    session: SessionDep,
    actor: ReadingActor,
    page: PageParamsDep,
    codec: CursorCodecDep,
    citizen_id: Annotated[uuid.UUID, Query(description="The citizen whose records to read")],
) -> CitizenRecords:
    return CitizenRecords(session, actor, page, codec, citizen_id)


CitizenRecordsDep = Annotated[CitizenRecords, Depends(_citizen_records)]

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
    "CitizenRecordsDep",
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
