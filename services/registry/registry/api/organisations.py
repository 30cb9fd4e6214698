"""/v1/organisations — companies, social enterprises, business councils, providers, municipal units."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Response

from registry.api.common import (
    CREATE_ERRORS,
    DELETE_ERRORS,
    ERRORS,
    UPDATE_ERRORS,
    create_located,
    listed,
    tagged,
)
from registry.api.deps import (
    CursorCodecDep,
    IfMatch,
    OrganisationsWriter,
    PageParamsDep,
    RegistryReader,
    SessionDep,
)
from registry.schemas.organisations import OrganisationCreate, OrganisationKind, OrganisationRead, OrganisationUpdate
from registry.usecases import organisations as usecase
from registry.usecases.results import Versioned
from servicekit.etag import parse_if_match
from servicekit.idempotency import idempotent
from servicekit.pagination import Page
from servicekit.routing import JsonRoute

router = APIRouter(route_class=JsonRoute, prefix="/v1/organisations", tags=["organisations"])
KIND = "organisations"


@router.post("", status_code=201, response_model=OrganisationRead, responses=CREATE_ERRORS)
@idempotent
async def create_organisation(
    body: OrganisationCreate,
    session: SessionDep,
    principal: OrganisationsWriter,
    response: Response,
) -> OrganisationRead:
    """Register an organisation (CVR / organisationsnummer checked; social enterprises with ASF criteria)."""

    async def make() -> Versioned[OrganisationRead]:
        municipality = principal.municipality_for_write(body.municipality)
        return await usecase.create_organisation(session, body, municipality=municipality)

    return await create_located(response, make, collection="/v1/organisations")


@router.get("", response_model=Page[OrganisationRead], responses=ERRORS)
async def list_organisations(
    session: SessionDep,
    principal: RegistryReader,
    page: PageParamsDep,
    codec: CursorCodecDep,
    municipality: Annotated[str | None, Query(description="Filter (national clients)")] = None,
    kind: Annotated[OrganisationKind | None, Query()] = None,
    updated_since: Annotated[dt.datetime | None, Query()] = None,
) -> Page[OrganisationRead]:
    """List organisations, oldest first."""
    return await listed(
        codec,
        page,
        kind=KIND,
        fetch=lambda after, limit: usecase.list_organisations(
            session,
            tenant=principal.tenant,
            after=after,
            limit=limit,
            municipality=municipality,
            kind=kind,
            updated_since=updated_since,
        ),
    )


@router.get("/{organisation_id}", response_model=OrganisationRead, responses=ERRORS)
async def get_organisation(
    organisation_id: uuid.UUID, session: SessionDep, principal: RegistryReader, response: Response
) -> OrganisationRead:
    """Read one organisation."""
    return tagged(response, await usecase.get_organisation(session, organisation_id, tenant=principal.tenant))


@router.patch("/{organisation_id}", response_model=OrganisationRead, responses=UPDATE_ERRORS)
async def update_organisation(
    organisation_id: uuid.UUID,
    body: OrganisationUpdate,
    session: SessionDep,
    principal: OrganisationsWriter,
    if_match: IfMatch,
    response: Response,
) -> OrganisationRead:
    """Change an organisation (If-Match required)."""
    found = await usecase.update_organisation(
        session, organisation_id, body, tenant=principal.tenant, expected=parse_if_match(if_match)
    )
    return tagged(response, found)


@router.delete("/{organisation_id}", status_code=204, responses=DELETE_ERRORS)
async def delete_organisation(
    organisation_id: uuid.UUID, session: SessionDep, principal: OrganisationsWriter
) -> Response:
    """Delete an organisation that no partnership, opening or enrolment refers to."""
    await usecase.delete_organisation(session, organisation_id, tenant=principal.tenant)
    return Response(status_code=204)
