"""Citizens in the target group: every read of their personal data is audited in the reading transaction."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from registry.clients.followers import Followers
from registry.domain.codes import CodeBook
from registry.domain.errors import TAKEN_NATIONAL_ID
from registry.domain.national_id_vault import NationalIdVault
from registry.domain.violations import reject
from registry.feed import entries, publish
from registry.schemas.citizens import CitizenCreate, CitizenExport, CitizenRead, CitizenUpdate, TargetGroup
from registry.store import audit
from registry.store import citizens as store
from registry.store import consent as consent_store
from registry.store.citizens import CITIZENS
from registry.store.enrolments import ENROLMENTS
from registry.usecases.access_log import access_entry
from registry.usecases.actors import Actor
from registry.usecases.citizen_values import as_create, citizen_read, prepare_citizen
from registry.usecases.consent import consent_history
from registry.usecases.erasure import erase_citizens
from registry.usecases.held_elsewhere import held_by_other_services
from registry.usecases.references import municipality_violations
from registry.usecases.results import Slice, Versioned, slice_of
from registry.usecases.tenant_rows import current_for_update, save_update
from registry.usecases.validation import validate_as
from servicekit.auth import Principal
from servicekit.domain_errors import Conflict, FieldError, NotFound
from servicekit.pagination import TimePosition

ENTITY = "citizen"
NOT_FOUND = "Citizen not found."


async def _audit(
    session: AsyncSession,
    principal: Principal,
    rows_read: Sequence[Any],
    *,
    action: str,
    purpose: str | None,
    request_id: str | None,
) -> None:
    """Write who read these citizens' personal data, and why, in the reading transaction."""
    actor = Actor.of(principal, request_id)
    await audit.record(
        session,
        citizens=[(r.id, r.municipality) for r in rows_read],
        actor=actor.client,
        action=action,
        purpose=purpose,
        request_id=request_id,
        actor_municipality=actor.municipality,
        system=actor.system,
    )


async def _live(session: AsyncSession, citizen_id: uuid.UUID, *, tenant: str) -> Any:
    row = await store.get_live(session, citizen_id, tenant=tenant)
    if row is None:
        raise NotFound(NOT_FOUND)
    return row


async def create_citizen(
    session: AsyncSession, body: CitizenCreate, *, municipality: str, book: CodeBook, vault: NationalIdVault
) -> Versioned[CitizenRead]:
    """Register a citizen (Conflict if the external_ref or national id is taken)."""
    citizen = prepare_citizen(body, municipality=municipality, book=book, vault=vault, now=dt.datetime.now(dt.UTC))
    reject(await municipality_violations(session, municipality) + citizen.violations)
    citizen.seal(vault)
    await store.lock_municipalities(session, [municipality])
    row = await store.insert_one(session, {**citizen.values, "id": uuid.uuid4()})
    if row is None:
        raise Conflict("A citizen with this external_ref or national id exists in the municipality.")
    await publish.upserted(session, ENTITY, row)
    return Versioned(citizen_read(row), row.version)


async def list_citizens(
    session: AsyncSession,
    *,
    principal: Principal,
    after: TimePosition | None,
    limit: int,
    purpose: str | None,
    request_id: str | None,
    municipality: str | None,
    target_group: TargetGroup | None,
    partnership_id: uuid.UUID | None,
    updated_since: dt.datetime | None,
) -> Slice[CitizenRead]:
    """Citizens, oldest first; each one returned is written to the audit log."""
    rows = await store.list_live(
        session,
        tenant=principal.tenant,
        after=after,
        limit=limit + 1,
        municipality=municipality,
        target_group=target_group,
        partnership_id=partnership_id,
        updated_since=updated_since,
    )
    await _audit(session, principal, rows[:limit], action="list", purpose=purpose, request_id=request_id)
    return slice_of(rows, limit, citizen_read)


async def get_citizen(
    session: AsyncSession, citizen_id: uuid.UUID, *, principal: Principal, purpose: str | None, request_id: str | None
) -> Versioned[CitizenRead]:
    row = await _live(session, citizen_id, tenant=principal.tenant)
    await _audit(session, principal, [row], action="read", purpose=purpose, request_id=request_id)
    return Versioned(citizen_read(row), row.version)


async def update_citizen(
    session: AsyncSession,
    citizen_id: uuid.UUID,
    body: CitizenUpdate,
    *,
    principal: Principal,
    expected: int,
    book: CodeBook,
    vault: NationalIdVault,
    purpose: str | None,
    request_id: str | None,
) -> Versioned[CitizenRead]:
    """Change a citizen read at `expected` (audited like a read); a new national_id replaces the stored one."""
    tenant = principal.tenant
    current = await current_for_update(
        expected, lambda: store.get_live(session, citizen_id, tenant=tenant), not_found=NOT_FOUND
    )
    await store.lock_municipalities(session, [current.municipality])
    changes = body.model_dump(mode="json", exclude_unset=True, exclude={"national_id"})
    merged = validate_as(CitizenCreate, {**as_create(current), **changes})
    merged.national_id = body.national_id
    citizen = prepare_citizen(
        merged, municipality=current.municipality, book=book, vault=vault, now=dt.datetime.now(dt.UTC)
    )
    reject(citizen.violations)
    if citizen.pseudonym is not None and citizen.pseudonym != current.national_id_pseudonym:
        holder = await store.holder_of_pseudonym(
            session, municipality=current.municipality, pseudonym=citizen.pseudonym
        )
        if holder not in (None, current.id):
            raise Conflict(TAKEN_NATIONAL_ID, errors=[FieldError("national_id", TAKEN_NATIONAL_ID, "conflict")])
        citizen.seal(vault)
    values = {k: v for k, v in citizen.values.items() if k not in ("municipality", "external_ref")}
    if values["consent"] != current.consent:
        # The source system wrote a new consent decision: it is the state of `matching` again (as in a batch).
        values["consent_purposes"] = {k: v for k, v in current.consent_purposes.items() if k != "matching"}
    row = await save_update(
        session, CITIZENS, citizen_id, tenant=tenant, expected=expected, values=values, entity=ENTITY
    )
    await _audit(session, principal, [row], action="update", purpose=purpose, request_id=request_id)
    return Versioned(citizen_read(row), row.version)


async def erase_citizen(
    session: AsyncSession, citizen_id: uuid.UUID, *, principal: Principal, purpose: str | None, request_id: str | None
) -> None:
    """Erase the citizen's personal data (GDPR art. 17); erasing again changes nothing; NotFound if not the tenant's."""
    actor = Actor.of(principal, request_id)
    result = await erase_citizens(session, [citizen_id], tenant=principal.tenant, actor=actor, purpose=purpose)
    if result.items[0].status == "not_found":
        raise NotFound(NOT_FOUND)


async def export_citizen(
    session: AsyncSession,
    citizen_id: uuid.UUID,
    *,
    principal: Principal,
    vault: NationalIdVault,
    followers: Followers,
    purpose: str | None,
    request_id: str | None,
) -> CitizenExport:
    """Everything the system holds about a citizen, national id included (GDPR art. 15/20): the
    registry's record and what matching and outcomes answer (each part says if it is missing)."""
    row = await _live(session, citizen_id, tenant=principal.tenant)
    await _audit(session, principal, [row], action="export", purpose=purpose, request_id=request_id)
    national_id = None
    if row.national_id_ciphertext is not None:
        national_id = vault.open(
            row.national_id_ciphertext, key_id=row.national_id_key_id, municipality=row.municipality
        )
    held_enrolments = await ENROLMENTS.list_page(
        session, tenant=principal.tenant, after=None, limit=1000, equal={"citizen_id": row.id}
    )
    events = await audit.list_for_citizen(
        session, citizen_id=row.id, tenant=principal.tenant, after_id=None, limit=10_000
    )
    held = await held_by_other_services(followers, row.id)
    return CitizenExport(
        complete=held.matching.status == "included" and held.outcomes.status == "included",
        held_by_other_services=held,
        citizen=citizen_read(row),
        national_id=national_id,
        enrolments=[entries.enrolment_data(e) for e in held_enrolments],
        consent_history=consent_history(await consent_store.history(session, row.id, tenant=principal.tenant)),
        access_log=[access_entry(e) for e in events],
        audit_events=[
            {
                "actor": e.actor,
                "action": e.action,
                "purpose": e.purpose,
                "request_id": e.request_id,
                "occurred_at": e.occurred_at.isoformat(),
            }
            for e in events
        ],
    )
