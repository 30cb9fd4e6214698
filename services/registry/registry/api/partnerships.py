"""/v1/partnerships — growth partnerships: municipality + business council + company + provider."""

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
from registry.schemas.partnerships import PartnershipCreate, PartnershipRead, PartnershipStatus, PartnershipUpdate
from registry.usecases import partnerships as usecase
from registry.usecases.results import Versioned
from servicekit.etag import parse_if_match
from servicekit.idempotency import idempotent
from servicekit.pagination import Page
from servicekit.routing import JsonRoute

router = APIRouter(route_class=JsonRoute, prefix="/v1/partnerships", tags=["partnerships"])
KIND = "partnerships"


@router.post("", status_code=201, response_model=PartnershipRead, responses=CREATE_ERRORS)
@idempotent
async def create_partnership(
    body: PartnershipCreate,
    session: SessionDep,
    principal: OrganisationsWriter,
    response: Response,
) -> PartnershipRead:
    """Create a growth partnership."""

    async def make() -> Versioned[PartnershipRead]:
        municipality = principal.municipality_for_write(body.municipality)
        return await usecase.create_partnership(session, body, municipality=municipality)

    return await create_located(response, make, collection="/v1/partnerships")


@router.get("", response_model=Page[PartnershipRead], responses=ERRORS)
async def list_partnerships(
    session: SessionDep,
    principal: RegistryReader,
    page: PageParamsDep,
    codec: CursorCodecDep,
    municipality: Annotated[str | None, Query()] = None,
    status: Annotated[PartnershipStatus | None, Query()] = None,
    company_id: Annotated[uuid.UUID | None, Query()] = None,
    updated_since: Annotated[dt.datetime | None, Query()] = None,
) -> Page[PartnershipRead]:
    """List partnerships, oldest first."""
    return await listed(
        codec,
        page,
        kind=KIND,
        fetch=lambda after, limit: usecase.list_partnerships(
            session,
            tenant=principal.tenant,
            after=after,
            limit=limit,
            municipality=municipality,
            status=status,
            company_id=company_id,
            updated_since=updated_since,
        ),
    )


@router.get("/{partnership_id}", response_model=PartnershipRead, responses=ERRORS)
async def get_partnership(
    partnership_id: uuid.UUID, session: SessionDep, principal: RegistryReader, response: Response
) -> PartnershipRead:
    """Read one partnership."""
    return tagged(response, await usecase.get_partnership(session, partnership_id, tenant=principal.tenant))


@router.patch("/{partnership_id}", response_model=PartnershipRead, responses=UPDATE_ERRORS)
async def update_partnership(
    partnership_id: uuid.UUID,
    body: PartnershipUpdate,
    session: SessionDep,
    principal: OrganisationsWriter,
    if_match: IfMatch,
    response: Response,
) -> PartnershipRead:
    """Change a partnership (If-Match required)."""
    found = await usecase.update_partnership(
        session, partnership_id, body, tenant=principal.tenant, expected=parse_if_match(if_match)
    )
    return tagged(response, found)


@router.delete("/{partnership_id}", status_code=204, responses=DELETE_ERRORS)
async def delete_partnership(
    partnership_id: uuid.UUID, session: SessionDep, principal: OrganisationsWriter
) -> Response:
    """Delete a partnership that has no enrolments."""
    await usecase.delete_partnership(session, partnership_id, tenant=principal.tenant)
    return Response(status_code=204)
