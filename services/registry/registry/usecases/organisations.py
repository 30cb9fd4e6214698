"""Organisations: companies (CVR / orgnr checked), social enterprises (ASF criteria), councils, providers."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from registry.domain.violations import reject
from registry.feed import publish
from registry.schemas.organisations import OrganisationCreate, OrganisationKind, OrganisationRead, OrganisationUpdate
from registry.store.organisations import ORGANISATIONS
from registry.usecases.organisation_values import as_create, organisation_read, prepare_organisation
from registry.usecases.references import municipality_violations
from registry.usecases.results import Position, Slice, Versioned
from registry.usecases.tenant_rows import delete_row, get_versioned, list_slice, update_versioned
from registry.usecases.validation import validate_as

ENTITY = "organisation"


async def create_organisation(
    session: AsyncSession, body: OrganisationCreate, *, municipality: str
) -> Versioned[OrganisationRead]:
    values, violations = prepare_organisation(body, municipality=municipality)
    reject(await municipality_violations(session, municipality) + violations)
    row = await ORGANISATIONS.insert(session, {**values, "id": uuid.uuid4()})
    await publish.upserted(session, ENTITY, row)
    return Versioned(organisation_read(row), row.version)


async def list_organisations(
    session: AsyncSession,
    *,
    tenant: str,
    after: Position | None,
    limit: int,
    municipality: str | None,
    kind: OrganisationKind | None,
    updated_since: dt.datetime | None,
) -> Slice[OrganisationRead]:
    equal = {"municipality": municipality, "kind": kind}
    return await list_slice(
        session,
        ORGANISATIONS,
        organisation_read,
        tenant=tenant,
        after=after,
        limit=limit,
        equal=equal,
        updated_since=updated_since,
    )


async def get_organisation(
    session: AsyncSession, organisation_id: uuid.UUID, *, tenant: str
) -> Versioned[OrganisationRead]:
    return await get_versioned(session, ORGANISATIONS, organisation_id, organisation_read, tenant=tenant, entity=ENTITY)


async def update_organisation(
    session: AsyncSession, organisation_id: uuid.UUID, body: OrganisationUpdate, *, tenant: str, expected: int
) -> Versioned[OrganisationRead]:

    async def revise(current: Any) -> dict[str, Any]:
        merged = validate_as(OrganisationCreate, {**as_create(current), **body.model_dump(exclude_unset=True)})
        values, violations = prepare_organisation(merged, municipality=current.municipality)
        reject(violations)
        return values

    return await update_versioned(
        session,
        ORGANISATIONS,
        organisation_id,
        organisation_read,
        tenant=tenant,
        expected=expected,
        entity=ENTITY,
        revise=revise,
    )


async def delete_organisation(session: AsyncSession, organisation_id: uuid.UUID, *, tenant: str) -> None:
    """Delete an organisation that no partnership, opening or enrolment refers to."""
    await delete_row(session, ORGANISATIONS, organisation_id, tenant=tenant, entity=ENTITY)
