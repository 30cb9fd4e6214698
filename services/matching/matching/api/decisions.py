"""/v1/decisions — caseworkers' decisions on served suggestions, and openings proposed over the ranking."""

from __future__ import annotations

from fastapi import APIRouter

from matching.api.deps import ERRORS, CitizenRecordsDep, RunningActor, SessionDep
from matching.schemas.decisions import DecisionCreate, DecisionPage, DecisionRead
from matching.usecases import records
from servicekit.idempotency import idempotent
from servicekit.pagination import Keyset
from servicekit.routing import JsonRoute

router = APIRouter(route_class=JsonRoute, prefix="/v1/decisions", tags=["decisions"])


@router.post("", status_code=201, response_model=DecisionRead, responses=ERRORS)
@idempotent
async def record_decision(body: DecisionCreate, session: SessionDep, actor: RunningActor) -> DecisionRead:
    """Record a decision on a suggestion of a served list (`accepted`, `rejected` with a reason,
    `contacted`, `hired`), or propose an opening that was not suggested (`proposed`); scope
    matching:run. 422 names the field when the list was not served to that citizen or did not
    hold the opening."""
    return await records.record_decision(session, body, actor)


KEYSET = Keyset.by_time("decisions", "decided_at")


@router.get("", response_model=DecisionPage, responses=ERRORS)
async def list_decisions(listing: CitizenRecordsDep) -> DecisionPage:
    """The decisions recorded for the citizen, newest first (the read is reported to the access log)."""
    items, next_cursor = await listing.newest_first(KEYSET, records.decisions_of, lambda d: (d.decided_at, d.id))
    return DecisionPage(items=items, next_cursor=next_cursor)
