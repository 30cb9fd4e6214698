"""Recording outcome events: validation against the projection, idempotency by the client's id."""

from __future__ import annotations

import hashlib
import json
from datetime import date
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from outcomes import repository as repo
from outcomes.accounting import event_of
from outcomes.domain.events import InvalidEvent, effective_events, validate_event_data
from outcomes.domain.placements import placements
from outcomes.schemas import OutcomeEventCreate
from servicekit.errors import Conflict, FieldError, ValidationFailed


def body_hash(body: OutcomeEventCreate) -> str:
    """What makes two writes of one id the same fact."""
    canonical = json.dumps(body.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def invalid(field: str, message: str, code: str = "invalid") -> ValidationFailed:
    return ValidationFailed(message, errors=[FieldError(field, message, code)])


async def record_event(
    session: AsyncSession, *, municipality: str, body: OutcomeEventCreate, today: date
) -> tuple[Any, bool]:
    """Store a new fact (created=True) or recognise a replay (created=False); never twice."""
    digest = body_hash(body)
    existing = await repo.get_event(session, municipality, body.id)
    if existing is not None:
        return _replay(existing, digest), False
    await _validate(session, body, today)
    row = await repo.insert_event(
        session,
        {
            "municipality": municipality,
            "id": body.id,
            "citizen_id": body.citizen_id,
            "type": body.type,
            "occurred_on": body.occurred_on,
            "data": body.data,
            "supersedes": body.supersedes,
            "body_hash": digest,
        },
    )
    if row is None:  # a concurrent request with the same id committed first
        existing = await repo.get_event(session, municipality, body.id)
        assert existing is not None
        return _replay(existing, digest), False
    return row, True


def _replay(existing: Any, digest: str) -> Any:
    if existing.body_hash != digest:
        raise Conflict(
            "An outcome event with this id exists with other content; send a correction with `supersedes` instead.",
            errors=[FieldError("id", "already used for another event", "id_reused")],
        )
    return existing


async def _validate(session: AsyncSession, body: OutcomeEventCreate, today: date) -> None:
    try:
        validate_event_data(body.type, body.data)
    except InvalidEvent as error:
        raise invalid(error.field, error.message) from error
    if body.occurred_on > today:
        raise invalid("occurred_on", "an outcome event records a fact: occurred_on cannot be in the future")
    citizen = await repo.get_citizen(session, body.citizen_id)
    if citizen is None:
        raise invalid("citizen_id", "unknown citizen (not in the registry feed for this municipality)", "unknown")
    if citizen.erased_at is not None:
        raise invalid("citizen_id", "the citizen has been erased", "erased")
    if citizen.enrolled_on is not None and body.occurred_on < citizen.enrolled_on:
        raise invalid("occurred_on", f"before the citizen's enrolment on {citizen.enrolled_on}")
    events = [event_of(row) for row in await repo.events_of(session, [body.citizen_id])]
    if body.supersedes is not None and not any(event.id == body.supersedes for event in events):
        raise invalid("supersedes", "no event of this citizen with that id", "unknown")
    if body.type == "placement_ended":
        live = [event for event in effective_events(events) if event.id != body.supersedes]
        open_placements = [p for p in placements(live) if p.end is None]
        if not open_placements:
            raise invalid("type", "the citizen has no open placement to end")
        if body.occurred_on < open_placements[-1].start:
            raise invalid("occurred_on", f"a placement cannot end before it starts ({open_placements[-1].start})")
