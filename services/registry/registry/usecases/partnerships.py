"""Growth partnerships: municipality + business council + company + provider."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from registry.domain.dates import in_order
from registry.domain.violations import Violation, reject
from registry.schemas.partnerships import PartnershipCreate, PartnershipRead, PartnershipUpdate
from registry.store.organisations import ORGANISATIONS
from registry.store.partnerships import PARTNERSHIPS
from registry.usecases.references import municipality_violations, reference_violations
from registry.usecases.results import Versioned
from registry.usecases.tenant_rows import TenantCollection
from registry.usecases.validation import validate_as

COMPANY_KINDS = frozenset({"company", "social_enterprise"})


async def _violations(session: AsyncSession, body: PartnershipCreate, municipality: str) -> list[Violation]:
    references = [
        ("company_id", body.company_id, COMPANY_KINDS),
        ("business_council_id", body.business_council_id, frozenset({"business_council"})),
        ("provider_id", body.provider_id, frozenset({"provider"})),
    ]
    return [
        *await reference_violations(session, ORGANISATIONS, references, municipality=municipality),
        *in_order(start=body.starts_on, end=body.ends_on, end_field="ends_on", start_name="starts_on"),
    ]


def _values(body: PartnershipCreate | PartnershipRead) -> dict[str, Any]:
    values: dict[str, Any] = body.model_dump(
        include={"company_id", "business_council_id", "provider_id", "starts_on", "ends_on", "status"}
    )
    return values


def partnership_read(row: Any) -> PartnershipRead:
    return PartnershipRead.model_validate(row, from_attributes=True)


COLLECTION = TenantCollection(PARTNERSHIPS, partnership_read, entity="partnership")


async def create_partnership(
    session: AsyncSession, body: PartnershipCreate, *, municipality: str
) -> Versioned[PartnershipRead]:
    reject(await municipality_violations(session, municipality) + await _violations(session, body, municipality))
    row = await PARTNERSHIPS.insert(session, {**_values(body), "id": uuid.uuid4(), "municipality": municipality})
    return await COLLECTION.created(session, row)


async def update_partnership(
    session: AsyncSession, partnership_id: uuid.UUID, body: PartnershipUpdate, *, tenant: str, expected: int
) -> Versioned[PartnershipRead]:

    async def revise(current: Any) -> dict[str, Any]:
        merged = validate_as(
            PartnershipCreate, {**_values(partnership_read(current)), **body.model_dump(exclude_unset=True)}
        )
        reject(await _violations(session, merged, current.municipality))
        return _values(merged)

    return await COLLECTION.update(session, partnership_id, tenant=tenant, expected=expected, revise=revise)


# Listing, reading one and deleting one (409 while an enrolment refers to it) are the plain tenant-row steps.
list_partnerships = COLLECTION.page
get_partnership = COLLECTION.get
delete_partnership = COLLECTION.delete
