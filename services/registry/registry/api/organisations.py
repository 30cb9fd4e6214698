"""/v1/organisations — companies, social enterprises, business councils, providers, municipal units."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Query, Response
from sqlalchemy.exc import IntegrityError

from registry import feed
from registry.api.common import CREATE_ERRORS, ERRORS, UPDATE_ERRORS, decode_position, next_cursor, reject, validate_as
from registry.api.deps import (
    CursorCodecDep,
    IdempotencyDep,
    IfMatch,
    OrganisationsWriter,
    PageParamsDep,
    RegistryReader,
    SessionDep,
)
from registry.api.references import municipality_violations
from registry.api.updates import current_for_update, save_update
from registry.models import organisations
from registry.records.organisations import as_create, organisation_read, prepare_organisation
from registry.repository import rows
from registry.repository.outbox import record_change
from registry.schemas.organisations import OrganisationCreate, OrganisationKind, OrganisationRead, OrganisationUpdate
from servicekit.errors import Conflict, NotFound
from servicekit.etag import etag_for
from servicekit.pagination import Page
from servicekit.routing import JsonRoute

router = APIRouter(route_class=JsonRoute, prefix="/v1/organisations", tags=["organisations"])
KIND = "organisations"


@router.post("", status_code=201, response_model=OrganisationRead, responses=CREATE_ERRORS)
async def create_organisation(
    body: OrganisationCreate,
    session: SessionDep,
    principal: OrganisationsWriter,
    idem: IdempotencyDep,
    response: Response,
) -> Any:
    """Register an organisation (CVR / organisationsnummer checked; social enterprises with ASF criteria)."""
    if replay := await idem.replay():
        return replay
    municipality = principal.municipality_for_write(body.municipality)
    values, violations = prepare_organisation(body, municipality=municipality)
    reject(await municipality_violations(session, municipality) + violations)
    try:
        row = await rows.insert(session, organisations, {**values, "id": uuid.uuid4()})
    except IntegrityError as exc:
        raise Conflict(
            "An organisation of this kind with this registration number exists in the municipality."
        ) from exc
    await record_change(session, **feed.upsert("organisation", row, feed.organisation_data(row)))
    response.headers["ETag"] = etag_for(row.version)
    response.headers["Location"] = f"/v1/organisations/{row.id}"
    return await idem.remember(201, organisation_read(row))


@router.get("", response_model=Page[OrganisationRead], responses=ERRORS)
async def list_organisations(
    session: SessionDep,
    principal: RegistryReader,
    page: PageParamsDep,
    codec: CursorCodecDep,
    municipality: Annotated[str | None, Query(description="Filter (national clients)")] = None,
    kind: Annotated[OrganisationKind | None, Query()] = None,
    updated_since: Annotated[dt.datetime | None, Query()] = None,
) -> Any:
    """List organisations, oldest first."""
    where = []
    if municipality:
        where.append(organisations.c.municipality == municipality)
    if kind:
        where.append(organisations.c.kind == kind)
    if updated_since:
        where.append(organisations.c.updated_at >= updated_since)
    found = await rows.list_page(
        session,
        organisations,
        tenant=principal.tenant,
        where=where,
        after=decode_position(codec, page.cursor, kind=KIND),
        limit=page.limit + 1,
    )
    return Page[OrganisationRead](
        items=[organisation_read(r) for r in found[: page.limit]],
        next_cursor=next_cursor(codec, found, page.limit, kind=KIND),
    )


@router.get("/{organisation_id}", response_model=OrganisationRead, responses=ERRORS)
async def get_organisation(
    organisation_id: uuid.UUID, session: SessionDep, principal: RegistryReader, response: Response
) -> Any:
    """Read one organisation."""
    row = await rows.get(session, organisations, organisation_id, tenant=principal.tenant)
    if row is None:
        raise NotFound("Organisation not found.")
    response.headers["ETag"] = etag_for(row.version)
    return organisation_read(row)


@router.patch("/{organisation_id}", response_model=OrganisationRead, responses=UPDATE_ERRORS)
async def update_organisation(
    organisation_id: uuid.UUID,
    body: OrganisationUpdate,
    session: SessionDep,
    principal: OrganisationsWriter,
    if_match: IfMatch,
    response: Response,
) -> Any:
    """Change an organisation (If-Match required)."""
    expected, current = await current_for_update(
        if_match,
        lambda: rows.get(session, organisations, organisation_id, tenant=principal.tenant),
        not_found="Organisation not found.",
    )
    merged = validate_as(OrganisationCreate, {**as_create(current), **body.model_dump(exclude_unset=True)})
    values, violations = prepare_organisation(merged, municipality=current.municipality)
    reject(violations)
    try:
        row = await save_update(
            session,
            organisations,
            organisation_id,
            tenant=principal.tenant,
            expected=expected,
            values=values,
            entity="organisation",
            feed_data=feed.organisation_data,
            response=response,
        )
    except IntegrityError as exc:
        raise Conflict(
            "An organisation of this kind with this registration number exists in the municipality."
        ) from exc
    return organisation_read(row)


@router.delete("/{organisation_id}", status_code=204, responses={**ERRORS, 409: {"description": "Still referenced"}})
async def delete_organisation(
    organisation_id: uuid.UUID, session: SessionDep, principal: OrganisationsWriter
) -> Response:
    """Delete an organisation that no partnership, opening or enrolment refers to."""
    try:
        row = await rows.delete(session, organisations, organisation_id, tenant=principal.tenant)
    except IntegrityError as exc:
        raise Conflict("The organisation is still referenced by a partnership, opening or enrolment.") from exc
    if row is None:
        raise NotFound("Organisation not found.")
    await record_change(session, **feed.removal("organisation", row))
    return Response(status_code=204)
