"""/v1/enrolments — citizens in the citizen course, companies in the accelerator, with dated milestones."""

from __future__ import annotations

from fastapi import APIRouter

from registry.api.deps import CitizensWriter, RegistryReader
from registry.api.items import TenantItems
from registry.schemas.enrolments import EnrolmentCreate, EnrolmentFilter, EnrolmentRead, EnrolmentUpdate
from registry.usecases import enrolments as usecase
from servicekit.openapi import ERRORS
from servicekit.routing import JsonRoute

router = APIRouter(route_class=JsonRoute, prefix="/v1/enrolments", tags=["enrolments"])
KIND = "enrolments"
items = TenantItems(router, item="enrolment", answer=EnrolmentRead, reader=RegistryReader, writer=CitizensWriter)

items.create(
    "Enrol a citizen in the citizen course or an organisation in the company accelerator.",
    EnrolmentCreate,
    usecase.create_enrolment,
)
items.list("List enrolments, oldest first.", EnrolmentFilter, usecase.list_enrolments, kind=KIND)
items.get("Read one enrolment.", usecase.get_enrolment)
items.update(
    "Move an enrolment to another phase or record milestones (If-Match required).",
    EnrolmentUpdate,
    usecase.update_enrolment,
)
items.delete("Delete an enrolment recorded in error.", usecase.delete_enrolment, responses=ERRORS)
