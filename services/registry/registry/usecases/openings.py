"""Job openings at companies, social enterprises and municipal units."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from registry.domain.codes import CodeBook
from registry.domain.opening_rules import EMPLOYER_KINDS
from registry.domain.violations import Violation, reject
from registry.schemas.openings import OpeningCreate, OpeningRead, OpeningUpdate
from registry.store.openings import OPENINGS
from registry.store.organisations import ORGANISATIONS
from registry.usecases.opening_values import as_create, opening_read, prepare_opening
from registry.usecases.references import municipality_violations, reference_violations
from registry.usecases.results import Versioned
from registry.usecases.tenant_rows import TenantCollection
from registry.usecases.validation import validate_as
from servicekit.domain_errors import Conflict

COLLECTION = TenantCollection(OPENINGS, opening_read, entity="opening")


async def _employer_violations(session: AsyncSession, organisation_id: uuid.UUID, municipality: str) -> list[Violation]:
    return await reference_violations(
        session, ORGANISATIONS, [("organisation_id", organisation_id, EMPLOYER_KINDS)], municipality=municipality
    )


async def create_opening(
    session: AsyncSession, body: OpeningCreate, *, municipality: str, book: CodeBook
) -> Versioned[OpeningRead]:
    """Create a job opening (Conflict if its external_ref exists)."""
    opening = prepare_opening(body, municipality=municipality, book=book)
    reject(
        await municipality_violations(session, municipality)
        + await _employer_violations(session, body.organisation_id, municipality)
        + opening.violations
    )
    values = {**opening.values, "id": uuid.uuid4(), "organisation_id": body.organisation_id}
    row = await OPENINGS.insert_unless_taken(session, values)
    if row is None:
        raise Conflict("An opening with this external_ref exists in the municipality.")
    return await COLLECTION.created(session, row)


async def update_opening(
    session: AsyncSession, opening_id: uuid.UUID, body: OpeningUpdate, *, tenant: str, expected: int, book: CodeBook
) -> Versioned[OpeningRead]:

    async def revise(current: Any) -> dict[str, Any]:
        merged = validate_as(OpeningCreate, {**as_create(current), **body.model_dump(mode="json", exclude_unset=True)})
        opening = prepare_opening(merged, municipality=current.municipality, book=book)
        # An imported opening whose occupation the taxonomy does not know keeps it (flagged in `unmapped`).
        kept_unmapped = merged.occupation == current.occupation and bool(current.source_concepts)
        violations = [v for v in opening.violations if not (kept_unmapped and v.code == "unknown_occupation")]
        reject(await _employer_violations(session, merged.organisation_id, current.municipality) + violations)
        values = {k: v for k, v in opening.values.items() if k not in ("municipality", "external_ref")}
        values["organisation_id"] = merged.organisation_id
        return values

    return await COLLECTION.update(session, opening_id, tenant=tenant, expected=expected, revise=revise)


# Listing, reading one and deleting one are the plain tenant-row steps.
list_openings = COLLECTION.page
get_opening = COLLECTION.get
delete_opening = COLLECTION.delete
