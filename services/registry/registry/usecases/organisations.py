"""Organisations: companies (CVR / orgnr checked), social enterprises (ASF criteria), councils, providers."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from registry.domain.violations import reject
from registry.schemas.organisations import OrganisationCreate, OrganisationRead, OrganisationUpdate
from registry.store.organisations import ORGANISATIONS
from registry.usecases.organisation_values import as_create, organisation_read, prepare_organisation
from registry.usecases.references import municipality_violations
from registry.usecases.results import Versioned
from registry.usecases.tenant_rows import TenantCollection
from registry.usecases.validation import validate_as

COLLECTION = TenantCollection(ORGANISATIONS, organisation_read, entity="organisation")


async def create_organisation(
    session: AsyncSession, body: OrganisationCreate, *, municipality: str
) -> Versioned[OrganisationRead]:
    values, violations = prepare_organisation(body, municipality=municipality)
    reject(await municipality_violations(session, municipality) + violations)
    row = await ORGANISATIONS.insert(session, {**values, "id": uuid.uuid4()})
    return await COLLECTION.created(session, row)


async def update_organisation(
    session: AsyncSession, organisation_id: uuid.UUID, body: OrganisationUpdate, *, tenant: str, expected: int
) -> Versioned[OrganisationRead]:

    async def revise(current: Any) -> dict[str, Any]:
        merged = validate_as(OrganisationCreate, {**as_create(current), **body.model_dump(exclude_unset=True)})
        values, violations = prepare_organisation(merged, municipality=current.municipality)
        reject(violations)
        return values

    return await COLLECTION.update(session, organisation_id, tenant=tenant, expected=expected, revise=revise)


# Listing, reading one and deleting one (409 while a partnership, opening or enrolment refers to it) are the
# plain tenant-row steps.
list_organisations = COLLECTION.page
get_organisation = COLLECTION.get
delete_organisation = COLLECTION.delete
