"""/v1/organisations — companies, social enterprises, business councils, providers, municipal units."""

from __future__ import annotations

from fastapi import APIRouter

from registry.api.common import DELETE_ERRORS
from registry.api.deps import OrganisationsWriter, RegistryReader
from registry.api.items import TenantItems
from registry.schemas.organisations import OrganisationCreate, OrganisationFilter, OrganisationRead, OrganisationUpdate
from registry.usecases import organisations as usecase
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
items.list("List organisations, oldest first.", OrganisationFilter, usecase.list_organisations, kind=KIND)
items.get("Read one organisation.", usecase.get_organisation)
items.update("Change an organisation (If-Match required).", OrganisationUpdate, usecase.update_organisation)
items.delete(
    "Delete an organisation that no partnership, opening or enrolment refers to.",
    usecase.delete_organisation,
    responses=DELETE_ERRORS,
)
