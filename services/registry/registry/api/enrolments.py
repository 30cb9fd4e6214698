"""/v1/enrolments — citizens in the citizen course, companies in the accelerator, with dated milestones."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Response

from registry.api.common import CREATE_ERRORS, ERRORS, UPDATE_ERRORS, create_located, listed, tagged
from registry.api.deps import (
    CitizensWriter,
    CursorCodecDep,
    IfMatch,
    PageParamsDep,
    RegistryReader,
    SessionDep,
)
from registry.schemas.enrolments import EnrolmentCreate, EnrolmentRead, EnrolmentUpdate, Phase, Programme
from registry.usecases import enrolments as usecase
from registry.usecases.results import Versioned
from servicekit.etag import parse_if_match
from servicekit.idempotency import idempotent
from servicekit.pagination import Page
from servicekit.routing import JsonRoute

router = APIRouter(route_class=JsonRoute, prefix="/v1/enrolments", tags=["enrolments"])
KIND = "enrolments"


@router.post("", status_code=201, response_model=EnrolmentRead, responses=CREATE_ERRORS)
@idempotent
async def create_enrolment(
    body: EnrolmentCreate, session: SessionDep, principal: CitizensWriter, response: Response
) -> EnrolmentRead:
    """Enrol a citizen in the citizen course or an organisation in the company accelerator."""

    async def make() -> Versioned[EnrolmentRead]:
        municipality = principal.municipality_for_write(body.municipality)
        return await usecase.create_enrolment(session, body, municipality=municipality)

    return await create_located(response, make, collection="/v1/enrolments")


@router.get("", response_model=Page[EnrolmentRead], responses=ERRORS)
async def list_enrolments(
    session: SessionDep,
    principal: RegistryReader,
    page: PageParamsDep,
    codec: CursorCodecDep,
    municipality: Annotated[str | None, Query()] = None,
    partnership_id: Annotated[uuid.UUID | None, Query()] = None,
    programme: Annotated[Programme | None, Query()] = None,
    phase: Annotated[Phase | None, Query()] = None,
    citizen_id: Annotated[uuid.UUID | None, Query()] = None,
    updated_since: Annotated[dt.datetime | None, Query()] = None,
) -> Page[EnrolmentRead]:
    """List enrolments, oldest first."""
    return await listed(
        codec,
        page,
        kind=KIND,
        fetch=lambda after, limit: usecase.list_enrolments(
            session,
            tenant=principal.tenant,
            after=after,
            limit=limit,
            municipality=municipality,
            partnership_id=partnership_id,
            programme=programme,
            phase=phase,
            citizen_id=citizen_id,
            updated_since=updated_since,
        ),
    )


@router.get("/{enrolment_id}", response_model=EnrolmentRead, responses=ERRORS)
async def get_enrolment(
    enrolment_id: uuid.UUID, session: SessionDep, principal: RegistryReader, response: Response
) -> EnrolmentRead:
    """Read one enrolment."""
    return tagged(response, await usecase.get_enrolment(session, enrolment_id, tenant=principal.tenant))


@router.patch("/{enrolment_id}", response_model=EnrolmentRead, responses=UPDATE_ERRORS)
async def update_enrolment(
    enrolment_id: uuid.UUID,
    body: EnrolmentUpdate,
    session: SessionDep,
    principal: CitizensWriter,
    if_match: IfMatch,
    response: Response,
) -> EnrolmentRead:
    """Move an enrolment to another phase or record milestones (If-Match required)."""
    found = await usecase.update_enrolment(
        session, enrolment_id, body, tenant=principal.tenant, expected=parse_if_match(if_match)
    )
    return tagged(response, found)


@router.delete("/{enrolment_id}", status_code=204, responses=ERRORS)
async def delete_enrolment(enrolment_id: uuid.UUID, session: SessionDep, principal: CitizensWriter) -> Response:
    """Delete an enrolment recorded in error."""
    await usecase.delete_enrolment(session, enrolment_id, tenant=principal.tenant)
    return Response(status_code=204)
