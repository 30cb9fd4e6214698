"""/v1/partnerships — growth partnerships: municipality + business council + company + provider."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated

from fastapi import APIRouter, Query

from registry.api.common import DELETE_ERRORS, ERRORS, listed
from registry.api.deps import CursorCodecDep, OrganisationsWriter, PageParamsDep, RegistryReader, SessionDep
from registry.api.items import TenantItems
from registry.schemas.partnerships import PartnershipCreate, PartnershipRead, PartnershipStatus, PartnershipUpdate
from registry.usecases import partnerships as usecase
from servicekit.pagination import Page
from servicekit.routing import JsonRoute

router = APIRouter(route_class=JsonRoute, prefix="/v1/partnerships", tags=["partnerships"])
KIND = "partnerships"
items = TenantItems(
    router, item="partnership", answer=PartnershipRead, reader=RegistryReader, writer=OrganisationsWriter
)

items.create("Create a growth partnership.", PartnershipCreate, usecase.create_partnership)


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


items.get("Read one partnership.", usecase.get_partnership)
items.update("Change a partnership (If-Match required).", PartnershipUpdate, usecase.update_partnership)
items.delete("Delete a partnership that has no enrolments.", usecase.delete_partnership, responses=DELETE_ERRORS)
