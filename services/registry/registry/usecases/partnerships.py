"""Growth partnerships: municipality + business council + company + provider."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from registry.domain.dates import in_order
from registry.domain.violations import Violation, reject
from registry.feed import publish
from registry.schemas.partnerships import PartnershipCreate, PartnershipRead, PartnershipStatus, PartnershipUpdate
from registry.store.organisations import ORGANISATIONS
from registry.store.partnerships import PARTNERSHIPS
from registry.usecases.references import municipality_violations, reference_violations
from registry.usecases.results import Position, Slice, Versioned
from registry.usecases.tenant_rows import delete_row, get_versioned, list_slice, update_versioned
from registry.usecases.validation import validate_as

ENTITY = "partnership"
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


async def create_partnership(
    session: AsyncSession, body: PartnershipCreate, *, municipality: str
) -> Versioned[PartnershipRead]:
    reject(await municipality_violations(session, municipality) + await _violations(session, body, municipality))
    row = await PARTNERSHIPS.insert(session, {**_values(body), "id": uuid.uuid4(), "municipality": municipality})
    await publish.upserted(session, ENTITY, row)
    return Versioned(partnership_read(row), row.version)


async def list_partnerships(
    session: AsyncSession,
    *,
    tenant: str,
    after: Position | None,
    limit: int,
    municipality: str | None,
    status: PartnershipStatus | None,
    company_id: uuid.UUID | None,
    updated_since: dt.datetime | None,
) -> Slice[PartnershipRead]:
    equal = {"municipality": municipality, "status": status, "company_id": company_id}
    return await list_slice(
        session,
        PARTNERSHIPS,
        partnership_read,
        tenant=tenant,
        after=after,
        limit=limit,
        equal=equal,
        updated_since=updated_since,
    )


async def get_partnership(
    session: AsyncSession, partnership_id: uuid.UUID, *, tenant: str
) -> Versioned[PartnershipRead]:
    return await get_versioned(session, PARTNERSHIPS, partnership_id, partnership_read, tenant=tenant, entity=ENTITY)


async def update_partnership(
    session: AsyncSession, partnership_id: uuid.UUID, body: PartnershipUpdate, *, tenant: str, expected: int
) -> Versioned[PartnershipRead]:

    async def revise(current: Any) -> dict[str, Any]:
        merged = validate_as(
            PartnershipCreate, {**_values(partnership_read(current)), **body.model_dump(exclude_unset=True)}
        )
        reject(await _violations(session, merged, current.municipality))
        return _values(merged)

    return await update_versioned(
        session,
        PARTNERSHIPS,
        partnership_id,
        partnership_read,
        tenant=tenant,
        expected=expected,
        entity=ENTITY,
        revise=revise,
    )


async def delete_partnership(session: AsyncSession, partnership_id: uuid.UUID, *, tenant: str) -> None:
    """Delete a partnership that has no enrolments."""
    await delete_row(session, PARTNERSHIPS, partnership_id, tenant=tenant, entity=ENTITY)
