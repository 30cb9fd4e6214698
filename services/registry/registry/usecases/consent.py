"""Consent per purpose: record a grant, a withdrawal or a legal basis; read the state and its history."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from registry.domain.consent import current_states, decide, event_violations
from registry.domain.violations import reject
from registry.feed import publish
from registry.schemas.consent import ConsentEventCreate, ConsentEventRead, ConsentRead, PurposeStateRead
from registry.store import audit
from registry.store import citizens as citizen_store
from registry.store import consent as store
from registry.usecases.actors import Actor
from servicekit.domain_errors import NotFound


async def _live(session: AsyncSession, citizen_id: uuid.UUID, *, tenant: str, lock: bool = False) -> Any:
    row = await citizen_store.get_live(session, citizen_id, tenant=tenant, lock=lock)
    if row is None:
        raise NotFound("Citizen not found.")
    return row


def consent_history(rows: list[Any]) -> list[ConsentEventRead]:
    return [ConsentEventRead.model_validate(r, from_attributes=True) for r in rows]


def _read(row: Any, history: list[Any]) -> ConsentRead:
    states = current_states(row.consent_purposes, row.consent)
    return ConsentRead(
        citizen_id=row.id,
        purposes={
            purpose: PurposeStateRead(status=s.status, since=s.since, basis=s.basis) for purpose, s in states.items()
        },
        history=consent_history(history),
    )


async def record_consent(
    session: AsyncSession, citizen_id: uuid.UUID, body: ConsentEventCreate, *, tenant: str, actor: Actor
) -> ConsentRead:
    """Record a grant, a withdrawal (Conflict if no consent is in force) or a legal basis for one purpose."""
    reject(event_violations(action=body.action, method=body.method, witness=body.witness, legal_basis=body.legal_basis))
    # Locked: two withdrawals at once must not both find the consent in force.
    current = await _live(session, citizen_id, tenant=tenant, lock=True)
    at = body.occurred_at or dt.datetime.now(dt.UTC)
    state = decide(
        current_states(current.consent_purposes, current.consent)[body.purpose],
        purpose=body.purpose,
        action=body.action,
        at=at,
        legal_basis=body.legal_basis,
    )
    await store.record(
        session,
        {
            "municipality": current.municipality,
            "citizen_id": current.id,
            "purpose": body.purpose,
            "action": body.action,
            "method": body.method,
            "witness": body.witness,
            "legal_basis": body.legal_basis,
            "recorded_by": actor.client,
            "recorded_by_municipality": actor.municipality,
            "request_id": actor.request_id,
            "occurred_at": at,
        },
    )
    row = await store.set_purpose(session, current.id, purpose=body.purpose, state=state.as_stored())
    await publish.upserted(session, "citizen", row)
    await _audit(session, row, actor, action="consent", purpose=f"{body.action} {body.purpose}")
    return _read(row, await store.history(session, row.id, tenant=tenant))


async def read_consent(
    session: AsyncSession, citizen_id: uuid.UUID, *, tenant: str, actor: Actor, purpose: str | None
) -> ConsentRead:
    """The state of each purpose and its history; the read is audited like any read of the citizen."""
    row = await _live(session, citizen_id, tenant=tenant)
    await _audit(session, row, actor, action="read", purpose=purpose)
    return _read(row, await store.history(session, row.id, tenant=tenant))


async def _audit(session: AsyncSession, row: Any, actor: Actor, *, action: str, purpose: str | None) -> None:
    await audit.record(
        session,
        citizens=[(row.id, row.municipality)],
        actor=actor.client,
        action=action,
        purpose=purpose,
        request_id=actor.request_id,
        actor_municipality=actor.municipality,
        system=actor.system,
    )
