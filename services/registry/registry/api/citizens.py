"""/v1/citizens — citizens in the target group; personal data audited on every read."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from typing import Annotated, Any

import sqlalchemy as sa
from fastapi import APIRouter, Query, Response
from sqlalchemy.ext.asyncio import AsyncSession

from registry import feed
from registry.api.common import CREATE_ERRORS, ERRORS, UPDATE_ERRORS, decode_position, next_cursor, reject, validate_as
from registry.api.deps import (
    Admin,
    CitizensReader,
    CitizensWriter,
    CodeBookDep,
    CursorCodecDep,
    IdempotencyDep,
    IfMatch,
    PageParamsDep,
    Purpose,
    RequestId,
    SessionDep,
    VaultDep,
)
from registry.api.references import municipality_violations
from registry.api.updates import current_for_update, save_update
from registry.models import citizens, enrolments
from registry.records.citizens import as_create, citizen_read, prepare_citizen
from registry.repository import audit, rows
from registry.repository import citizens as repo
from registry.repository.outbox import record_change
from registry.schemas.batch import CITIZENS_BATCH_EXAMPLE, BatchRequest, BatchResult
from registry.schemas.citizens import CitizenCreate, CitizenExport, CitizenRead, CitizenUpdate, TargetGroup
from registry.sync.citizens import TAKEN_NATIONAL_ID, upsert_citizens
from servicekit.auth import Principal
from servicekit.errors import Conflict, FieldError, NotFound
from servicekit.etag import etag_for
from servicekit.pagination import Page
from servicekit.routing import JsonRoute

router = APIRouter(route_class=JsonRoute, prefix="/v1/citizens", tags=["citizens"])
KIND = "citizens"


@router.post("", status_code=201, response_model=CitizenRead, responses=CREATE_ERRORS)
async def create_citizen(
    body: CitizenCreate,
    session: SessionDep,
    principal: CitizensWriter,
    idem: IdempotencyDep,
    book: CodeBookDep,
    vault: VaultDep,
    response: Response,
) -> Any:
    """Register a citizen (409 if the external_ref or national id is taken; use `citizens:batch` to upsert)."""
    if replay := await idem.replay():
        return replay
    municipality = principal.municipality_for_write(body.municipality)
    citizen = prepare_citizen(body, municipality=municipality, book=book, vault=vault, now=dt.datetime.now(dt.UTC))
    reject(await municipality_violations(session, municipality) + citizen.violations)
    citizen.seal(vault)
    await repo.lock_municipalities(session, [municipality])
    row = await repo.insert_one(session, {**citizen.values, "id": uuid.uuid4()})
    if row is None:
        raise Conflict("A citizen with this external_ref or national id exists in the municipality.")
    await record_change(session, **feed.upsert("citizen", row, feed.citizen_data(row)))
    response.headers["ETag"] = etag_for(row.version)
    response.headers["Location"] = f"/v1/citizens/{row.id}"
    return await idem.remember(201, citizen_read(row))


@router.post(
    ":batch",
    openapi_extra=CITIZENS_BATCH_EXAMPLE,
    response_model=BatchResult,
    responses={**ERRORS, 409: {"description": "Idempotency-Key in use"}},
)
async def batch_citizens(
    body: BatchRequest,
    session: SessionDep,
    principal: CitizensWriter,
    idem: IdempotencyDep,
    book: CodeBookDep,
    vault: VaultDep,
) -> Any:
    """Upsert up to 1,000 citizens by (municipality, external_ref); one result per item."""
    if replay := await idem.replay():
        return replay
    result = await upsert_citizens(
        session, body.items, municipality_for=principal.municipality_for_write, book=book, vault=vault
    )
    return await idem.remember(200, result)


@router.get("", response_model=Page[CitizenRead], responses=ERRORS)
async def list_citizens(
    session: SessionDep,
    principal: CitizensReader,
    page: PageParamsDep,
    codec: CursorCodecDep,
    purpose: Purpose,
    request_id: RequestId,
    municipality: Annotated[str | None, Query()] = None,
    target_group: Annotated[TargetGroup | None, Query()] = None,
    partnership_id: Annotated[uuid.UUID | None, Query(description="Citizens enrolled in this partnership")] = None,
    updated_since: Annotated[dt.datetime | None, Query()] = None,
) -> Any:
    """List citizens, oldest first (each citizen returned is written to the audit log)."""
    where: list[sa.ColumnElement[bool]] = [citizens.c.erased_at.is_(None)]
    if municipality:
        where.append(citizens.c.municipality == municipality)
    if target_group:
        where.append(citizens.c.target_group == target_group)
    if partnership_id:
        enrolled = rows.scoped(enrolments.select(), enrolments, principal.tenant).where(
            enrolments.c.partnership_id == partnership_id
        )
        where.append(citizens.c.id.in_(enrolled.with_only_columns(enrolments.c.citizen_id)))
    if updated_since:
        where.append(citizens.c.updated_at >= updated_since)
    found = await rows.list_page(
        session,
        citizens,
        tenant=principal.tenant,
        where=where,
        after=decode_position(codec, page.cursor, kind=KIND),
        limit=page.limit + 1,
    )
    shown = found[: page.limit]
    await audit_read(session, principal, shown, action="list", purpose=purpose, request_id=request_id)
    return Page[CitizenRead](
        items=[citizen_read(r) for r in shown], next_cursor=next_cursor(codec, found, page.limit, kind=KIND)
    )


async def audit_read(
    session: AsyncSession,
    principal: Principal,
    rows_read: Sequence[Any],
    *,
    action: str,
    purpose: str | None,
    request_id: str | None,
) -> None:
    """Write who read these citizens' personal data, and why, in the reading transaction."""
    await audit.record(
        session,
        citizens=[(r.id, r.municipality) for r in rows_read],
        actor=principal.client_id,
        action=action,
        purpose=purpose,
        request_id=request_id,
    )


@router.get("/{citizen_id}", response_model=CitizenRead, responses=ERRORS)
async def get_citizen(
    citizen_id: uuid.UUID,
    session: SessionDep,
    principal: CitizensReader,
    purpose: Purpose,
    request_id: RequestId,
    response: Response,
) -> Any:
    """Read one citizen (written to the audit log with the X-Purpose header)."""
    row = await repo.get_live(session, citizen_id, tenant=principal.tenant)
    if row is None:
        raise NotFound("Citizen not found.")
    await audit_read(session, principal, [row], action="read", purpose=purpose, request_id=request_id)
    response.headers["ETag"] = etag_for(row.version)
    return citizen_read(row)


@router.patch(
    "/{citizen_id}", response_model=CitizenRead, responses={**UPDATE_ERRORS, 409: {"description": "National id taken"}}
)
async def update_citizen(
    citizen_id: uuid.UUID,
    body: CitizenUpdate,
    session: SessionDep,
    principal: CitizensWriter,
    book: CodeBookDep,
    vault: VaultDep,
    if_match: IfMatch,
    purpose: Purpose,
    request_id: RequestId,
    response: Response,
) -> Any:
    """Change a citizen (If-Match required; audited like a read); a new national_id replaces the stored one."""
    expected, current = await current_for_update(
        if_match, lambda: repo.get_live(session, citizen_id, tenant=principal.tenant), not_found="Citizen not found."
    )
    await repo.lock_municipalities(session, [current.municipality])
    changes = body.model_dump(mode="json", exclude_unset=True, exclude={"national_id"})
    merged = validate_as(CitizenCreate, {**as_create(current), **changes})
    merged.national_id = body.national_id
    citizen = prepare_citizen(
        merged, municipality=current.municipality, book=book, vault=vault, now=dt.datetime.now(dt.UTC)
    )
    reject(citizen.violations)
    if citizen.pseudonym is not None and citizen.pseudonym != current.national_id_pseudonym:
        holder = await repo.holder_of_pseudonym(session, municipality=current.municipality, pseudonym=citizen.pseudonym)
        if holder not in (None, current.id):
            raise Conflict(TAKEN_NATIONAL_ID, errors=[FieldError("national_id", TAKEN_NATIONAL_ID, "conflict")])
        citizen.seal(vault)
    values = {k: v for k, v in citizen.values.items() if k not in ("municipality", "external_ref")}
    row = await save_update(
        session,
        citizens,
        citizen_id,
        tenant=principal.tenant,
        expected=expected,
        values=values,
        entity="citizen",
        feed_data=feed.citizen_data,
        response=response,
    )
    await audit_read(session, principal, [row], action="update", purpose=purpose, request_id=request_id)
    return citizen_read(row)


@router.delete("/{citizen_id}", status_code=204, responses=ERRORS)
async def erase_citizen(citizen_id: uuid.UUID, session: SessionDep, principal: CitizensWriter) -> Response:
    """Erase the citizen's personal data (GDPR art. 17); matching and outcomes learn it from the feed."""
    row = await repo.erase(session, citizen_id, tenant=principal.tenant)
    if row is None:
        raise NotFound("Citizen not found.")
    await record_change(session, **feed.removal("citizen", row, op="erased"))
    return Response(status_code=204)


@router.get("/{citizen_id}/export", response_model=CitizenExport, responses=ERRORS)
async def export_citizen(
    citizen_id: uuid.UUID,
    session: SessionDep,
    principal: Admin,
    vault: VaultDep,
    purpose: Purpose,
    request_id: RequestId,
) -> Any:
    """Everything held about a citizen, national id included (admin; GDPR art. 15/20)."""
    row = await repo.get_live(session, citizen_id, tenant=principal.tenant)
    if row is None:
        raise NotFound("Citizen not found.")
    await audit_read(session, principal, [row], action="export", purpose=purpose, request_id=request_id)
    national_id = None
    if row.national_id_ciphertext is not None:
        national_id = vault.open(
            row.national_id_ciphertext, key_id=row.national_id_key_id, municipality=row.municipality
        )
    held_enrolments = await rows.list_page(
        session, enrolments, tenant=principal.tenant, where=[enrolments.c.citizen_id == row.id], after=None, limit=1000
    )
    events = await audit.list_for_citizen(
        session, citizen_id=row.id, tenant=principal.tenant, after_id=None, limit=10_000
    )
    return CitizenExport(
        citizen=citizen_read(row),
        national_id=national_id,
        enrolments=[feed.enrolment_data(e) for e in held_enrolments],
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
