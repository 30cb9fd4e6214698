"""Recommendations and decisions on record (issue 17): every list served for a citizen is
logged (with the access-log entry for the registry), caseworkers record decisions on the
suggestions or propose an opening over the ranking, and the citizen's logs and decisions are read."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime
from functools import partial
from typing import Any, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from matching.domain.personal_data import Actor, access_entry
from matching.domain.recommend import Recommendation
from matching.schemas.decisions import DecisionCreate, DecisionRead
from matching.schemas.recommendation_logs import RecommendationLogRead
from matching.schemas.recommendations import RecommendationRead
from matching.store import access_outbox, profiles
from matching.store import recommendation_logs as store
from servicekit.domain_errors import FieldError, NotFound, ValidationFailed
from servicekit.pagination import TimePosition

from .engine import ModelInUse

# What a log row keeps of each served item (the answer adds citizen_id and recommendation_log_id).
SERVED_FIELDS = {"opening_id", "score", "rank", "explanation"}

R = TypeVar("R")


def _recorded_for(actor: Actor) -> dict[str, Any]:
    """Who a served list or a decision is on record for: the client, its municipality, the request."""
    return {"client": actor.client, "client_municipality": actor.municipality, "request_id": actor.request_id}


def _served_json(served: Sequence[RecommendationRead]) -> str:
    """The served list as the log stores it, serialised by pydantic-core from the answer's own
    items: validated once, never dumped to Python objects and encoded again."""
    return "[" + ",".join(item.model_dump_json(include=SERVED_FIELDS) for item in served) + "]"


async def log_served(
    session: AsyncSession,
    items: Sequence[Recommendation],
    model: ModelInUse,
    actor: Actor,
    *,
    municipality: str,
    opening_id: uuid.UUID | None = None,
    citizen_id: uuid.UUID | None = None,
) -> list[RecommendationRead]:
    """Log a served list: for a citizen's list one row; for an opening's list one row per citizen
    in it (their place in it). Each row's access-log entry goes to the outbox in the same statement.
    Returns the items as answered, each with the log id of its citizen's row."""
    at = datetime.now(UTC)
    owners = [str(citizen_id) if citizen_id is not None else item.citizen_id for item in items]
    ids = {c: uuid.uuid4() for c in ([str(citizen_id)] if citizen_id is not None else owners)}
    per_citizen: dict[str, list[RecommendationRead]] = {c: [] for c in ids}
    reads = []
    for item, owner in zip(items, owners, strict=True):
        read = RecommendationRead.from_recommendation(item, ids[owner])
        per_citizen[owner].append(read)
        reads.append(read)
    rows = [
        {
            "id": ids[c],
            "municipality": municipality,
            "citizen_id": uuid.UUID(c),
            "list_kind": "openings_for_citizen" if citizen_id is not None else "citizens_for_opening",
            "opening_id": opening_id,
            "items_json": _served_json(served),
            "model_id": model.id,
            "model_name": model.name,
            **_recorded_for(actor),
            "served_at": at,
            "access_entry": access_entry(c, "recommendation", at, actor=actor),
        }
        for c, served in per_citizen.items()
    ]
    await store.insert_logs(session, rows)
    return reads


def _log_read(row: Any) -> RecommendationLogRead:
    return RecommendationLogRead.model_validate(row, from_attributes=True)


def _decision_read(row: Any) -> DecisionRead:
    return DecisionRead.model_validate(row, from_attributes=True)


async def _require_citizen(session: AsyncSession, citizen_id: uuid.UUID) -> Any:
    citizen = await profiles.get_citizen(session, citizen_id)
    if citizen is None:
        raise NotFound(f"Citizen {citizen_id} not found.")
    return citizen


async def _reported_read(
    session: AsyncSession,
    citizen_id: uuid.UUID,
    actor: Actor,
    rows: Callable[[], Awaitable[Sequence[Any]]],
    read: Callable[[Any], R],
) -> list[R]:
    """A citizen's records as answers, for a citizen this service knows; the read goes to the access log."""
    await _require_citizen(session, citizen_id)
    found = await rows()
    await access_outbox.add(session, [access_entry(str(citizen_id), "read", datetime.now(UTC), actor=actor)])
    return [read(row) for row in found]


async def recommendation_logs(
    session: AsyncSession, citizen_id: uuid.UUID, actor: Actor, *, after: TimePosition | None, limit: int
) -> list[RecommendationLogRead]:
    """The lists served for a citizen, newest first, after `after`."""
    rows = partial(store.logs_of, session, citizen_id, after=after, limit=limit)
    return await _reported_read(session, citizen_id, actor, rows, _log_read)


def _invalid(field: str, message: str) -> ValidationFailed:
    return ValidationFailed(message, errors=[FieldError(field, message, "invalid")])


async def record_decision(session: AsyncSession, body: DecisionCreate, actor: Actor) -> DecisionRead:
    """A caseworker's decision on a served suggestion, or an opening proposed over the ranking."""
    citizen = await _require_citizen(session, body.citizen_id)
    if body.decision == "proposed":
        if await profiles.get_opening(session, body.opening_id) is None:
            raise _invalid("body.opening_id", f"Opening {body.opening_id} is not known to matching.")
    else:
        log = None if body.recommendation_log_id is None else await store.get_log(session, body.recommendation_log_id)
        if log is None or log.citizen_id != body.citizen_id:
            raise _invalid(
                "body.recommendation_log_id", "No recommendation list with this id was served for this citizen."
            )
        if str(body.opening_id) not in {str(item["opening_id"]) for item in log.items}:
            raise _invalid(
                "body.opening_id", "This opening was not in the recommendation list served for this citizen."
            )
    # The decision as the caseworker sent it, with the citizen's municipality and target group then.
    row = await store.insert_decision(
        session,
        **body.model_dump(),
        municipality=citizen.municipality,
        target_group=citizen.target_group,
        **_recorded_for(actor),
    )
    await access_outbox.add(session, [access_entry(str(body.citizen_id), "decision", row.decided_at, actor=actor)])
    return _decision_read(row)


async def decisions_of(
    session: AsyncSession, citizen_id: uuid.UUID, actor: Actor, *, after: TimePosition | None, limit: int
) -> list[DecisionRead]:
    """The decisions recorded for a citizen, newest first, after `after`."""
    rows = partial(store.decisions_of, session, citizen_id, after=after, limit=limit)
    return await _reported_read(session, citizen_id, actor, rows, _decision_read)
