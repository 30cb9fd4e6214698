"""Recording outcome events: validation against the projection, idempotency by the client's id."""

from __future__ import annotations

import hashlib
import json
import uuid
from datetime import date
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from outcomes.domain.errors import invalid
from outcomes.domain.events import InvalidEvent, effective_events, validate_event_data
from outcomes.domain.placements import placements
from outcomes.schemas.outcome_events import OutcomeEventCreate, OutcomeEventRead
from outcomes.store import outcome_events as store
from outcomes.store import projection
from outcomes.store.access_outbox import record_access
from servicekit.access_log import Actor
from servicekit.auth import Principal
from servicekit.batch import BatchItemResult, BatchResult, problem_details
from servicekit.domain_errors import Conflict, DomainError, FieldError, ServiceUnavailable
from servicekit.feed import FeedCheck

FEED_RETRY_SECONDS = 2


async def _current() -> bool:
    return True


def _at_most_once(check: FeedCheck) -> FeedCheck:
    answers: list[bool] = []

    async def once() -> bool:
        if not answers:
            answers.append(await check())
        return answers[0]

    return once


def body_hash(body: OutcomeEventCreate) -> str:
    """What makes two writes of one id the same fact."""
    canonical = json.dumps(body.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


async def _municipality(session: AsyncSession, principal: Principal, citizen_id: uuid.UUID) -> str:
    """A municipal client writes for itself; a national one for the citizen's municipality."""
    if not principal.is_national:
        return str(principal.tenant)
    citizen = await projection.get_citizen(session, citizen_id)
    return str(citizen.municipality) if citizen is not None else str(principal.tenant)


async def record_event(
    session: AsyncSession,
    *,
    principal: Principal,
    body: OutcomeEventCreate,
    today: date,
    feed_check: FeedCheck = _current,
) -> tuple[OutcomeEventRead, bool]:
    """Store a new fact (created=True) or recognise a replay (created=False); never twice.

    A citizen this service has not seen makes it catch up with the registry's feed first
    (`feed_check`); still unknown while the feed is behind or unreachable: 503 with Retry-After."""
    municipality = await _municipality(session, principal, body.citizen_id)
    digest = body_hash(body)
    existing = await store.get_event(session, municipality, body.id)
    if existing is not None:
        return _replay(existing, digest), False
    await _validate(session, body, today, feed_check)
    row = await store.insert_event(
        session,
        {
            "municipality": municipality,
            "id": body.id,
            "citizen_id": body.citizen_id,
            "type": body.type,
            "occurred_on": body.occurred_on,
            "data": body.data.model_dump(mode="json", exclude_none=True),
            "supersedes": body.supersedes,
            "body_hash": digest,
        },
    )
    if row is None:  # a concurrent request with the same id committed first
        existing = await store.get_event(session, municipality, body.id)
        assert existing is not None
        return _replay(existing, digest), False
    return store.event_read(row), True


async def record_events(
    session: AsyncSession,
    *,
    principal: Principal,
    items: list[OutcomeEventCreate],
    today: date,
    feed_check: FeedCheck = _current,
) -> BatchResult:
    """Each (well-formed) item answers created/unchanged/error in its own savepoint: an item a rule
    refuses never blocks the rest."""
    results = []
    feed_check = _at_most_once(feed_check)  # one catch-up serves every unknown citizen of the batch
    for index, item in enumerate(items):
        try:
            async with session.begin_nested():
                _, created = await record_event(
                    session, principal=principal, body=item, today=today, feed_check=feed_check
                )
        except DomainError as error:
            results.append(BatchItemResult(index=index, id=item.id, status="error", problem=problem_details(error)))
            continue
        results.append(BatchItemResult(index=index, id=item.id, status="created" if created else "unchanged"))
    return BatchResult.of(results)


async def list_events(
    session: AsyncSession,
    *,
    municipality: str | None,
    citizen_id: uuid.UUID | None,
    after_sequence: int | None,
    limit: int,
    actor: Actor,
) -> list[tuple[int, OutcomeEventRead]]:
    """(sequence, event) in recording order; the sequence is the page position. Each citizen whose events are
    read gets an access-log entry."""
    rows = await store.list_events(
        session, municipality=municipality, citizen_id=citizen_id, after_sequence=after_sequence, limit=limit
    )
    await record_access(session, [str(row.citizen_id) for row in rows], "read", actor=actor)
    return [(row.sequence, store.event_read(row)) for row in rows]


def _replay(existing: Any, digest: str) -> OutcomeEventRead:
    if existing.body_hash != digest:
        raise Conflict(
            "An outcome event with this id exists with other content; send a correction with `supersedes` instead.",
            errors=[FieldError("id", "already used for another event", "id_reused")],
        )
    return store.event_read(existing)


async def _known_citizen(session: AsyncSession, citizen_id: uuid.UUID, feed_check: FeedCheck) -> Any:
    """The citizen as the feed brought it; on a miss, after catching up (feed lag is not a 422)."""
    citizen = await projection.get_citizen(session, citizen_id)
    if citizen is not None:
        return citizen
    current = await feed_check()
    citizen = await projection.get_citizen(session, citizen_id)
    if citizen is None and not current:
        raise ServiceUnavailable(
            "The registry's change feed has not reached this service yet; retry.",
            retry_after=FEED_RETRY_SECONDS,
            errors=[FieldError("citizen_id", "not yet received from the registry", "feed_lag")],
        )
    if citizen is None:
        raise invalid("citizen_id", "unknown citizen (not in the registry feed for this municipality)", "unknown")
    return citizen


async def _validate(session: AsyncSession, body: OutcomeEventCreate, today: date, feed_check: FeedCheck) -> None:
    try:
        validate_event_data(body.type, body.data.model_dump(mode="json", exclude_none=True))
    except InvalidEvent as error:
        raise invalid(error.field, error.message) from error
    if body.occurred_on > today:
        raise invalid("occurred_on", "an outcome event records a fact: occurred_on cannot be in the future")
    citizen = await _known_citizen(session, body.citizen_id, feed_check)
    if citizen.erased_at is not None:
        raise invalid("citizen_id", "the citizen has been erased", "erased")
    if citizen.enrolled_on is not None and body.occurred_on < citizen.enrolled_on:
        raise invalid("occurred_on", f"before the citizen's enrolment on {citizen.enrolled_on}")
    events = [store.event_of(row) for row in await store.events_of(session, [body.citizen_id])]
    if body.supersedes is not None and not any(event.id == body.supersedes for event in events):
        raise invalid("supersedes", "no event of this citizen with that id", "unknown")
    if body.type == "placement_ended":
        live = [event for event in effective_events(events) if event.id != body.supersedes]
        open_placements = [p for p in placements(live) if p.end is None]
        if not open_placements:
            raise invalid("type", "the citizen has no open placement to end")
        if body.occurred_on < open_placements[-1].start:
            raise invalid("occurred_on", f"a placement cannot end before it starts ({open_placements[-1].start})")
