"""/v1/partnerships — growth partnerships: municipality + business council + company + provider."""

from __future__ import annotations

from fastapi import APIRouter

from registry.api.common import DELETE_ERRORS
from registry.api.deps import OrganisationsWriter, RegistryReader
from registry.api.items import TenantItems
from registry.schemas.partnerships import PartnershipCreate, PartnershipFilter, PartnershipRead, PartnershipUpdate
from registry.usecases import partnerships as usecase
from servicekit.routing import JsonRoute

router = APIRouter(route_class=JsonRoute, prefix="/v1/partnerships", tags=["partnerships"])
KIND = "partnerships"
items = TenantItems(
    router, item="partnership", answer=PartnershipRead, reader=RegistryReader, writer=OrganisationsWriter
)

items.create("Create a growth partnership.", PartnershipCreate, usecase.create_partnership)
items.list("List partnerships, oldest first.", PartnershipFilter, usecase.list_partnerships, kind=KIND)
items.get("Read one partnership.", usecase.get_partnership)
items.update("Change a partnership (If-Match required).", PartnershipUpdate, usecase.update_partnership)
items.delete("Delete a partnership that has no enrolments.", usecase.delete_partnership, responses=DELETE_ERRORS)
