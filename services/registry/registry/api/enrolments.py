"""/v1/enrolments — citizens in the citizen course, companies in the accelerator, with dated milestones."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated

from fastapi import APIRouter, Query

from registry.api.common import ERRORS, listed
from registry.api.deps import CitizensWriter, CursorCodecDep, PageParamsDep, RegistryReader, SessionDep
from registry.api.items import TenantItems
from registry.schemas.enrolments import EnrolmentCreate, EnrolmentRead, EnrolmentUpdate, Phase, Programme
from registry.usecases import enrolments as usecase
from servicekit.pagination import Page
from servicekit.routing import JsonRoute

router = APIRouter(route_class=JsonRoute, prefix="/v1/enrolments", tags=["enrolments"])
KIND = "enrolments"
items = TenantItems(router, item="enrolment", answer=EnrolmentRead, reader=RegistryReader, writer=CitizensWriter)

items.create(
    "Enrol a citizen in the citizen course or an organisation in the company accelerator.",
    EnrolmentCreate,
    usecase.create_enrolment,
)


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


items.get("Read one enrolment.", usecase.get_enrolment)
items.update(
    "Move an enrolment to another phase or record milestones (If-Match required).",
    EnrolmentUpdate,
    usecase.update_enrolment,
)
items.delete("Delete an enrolment recorded in error.", usecase.delete_enrolment, responses=ERRORS)
