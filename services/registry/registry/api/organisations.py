"""/v1/organisations — companies, social enterprises, business councils, providers, municipal units."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Query

from registry.api.common import DELETE_ERRORS, ERRORS, listed
from registry.api.deps import CursorCodecDep, OrganisationsWriter, PageParamsDep, RegistryReader, SessionDep
from registry.api.items import TenantItems
from registry.schemas.organisations import OrganisationCreate, OrganisationKind, OrganisationRead, OrganisationUpdate
from registry.usecases import organisations as usecase
from servicekit.pagination import Page
from servicekit.routing import JsonRoute

router = APIRouter(route_class=JsonRoute, prefix="/v1/organisations", tags=["organisations"])
KIND = "organisations"
items = TenantItems(
    router, item="organisation", answer=OrganisationRead, reader=RegistryReader, writer=OrganisationsWriter
)
items.create(
    "Register an organisation (CVR / organisationsnummer checked; social enterprises with ASF criteria).",
    OrganisationCreate,
    usecase.create_organisation,
)


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


items.get("Read one organisation.", usecase.get_organisation)
items.update("Change an organisation (If-Match required).", OrganisationUpdate, usecase.update_organisation)
items.delete(
    "Delete an organisation that no partnership, opening or enrolment refers to.",
    usecase.delete_organisation,
    responses=DELETE_ERRORS,
)
