"""Enrolments: citizens in the citizen course, companies in the accelerator, with dated milestones."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

from registry.domain.enrolment_rules import MilestoneDates, milestone_violations, participant_violations
from registry.domain.violations import Violation, reject
from registry.schemas.enrolments import EnrolmentCreate, EnrolmentRead, EnrolmentUpdate
from registry.store import citizens as citizen_store
from registry.store.enrolments import ENROLMENTS
from registry.store.organisations import ORGANISATIONS
from registry.store.partnerships import PARTNERSHIPS
from registry.usecases.references import municipality_violations, reference_violations
from registry.usecases.results import Versioned
from registry.usecases.tenant_rows import TenantCollection
from registry.usecases.validation import validate_as

FIELDS = {"programme", "citizen_id", "organisation_id", "partnership_id", "started_on", "phase", "milestones"}


async def _violations(session: AsyncSession, body: EnrolmentCreate, municipality: str) -> list[Violation]:
    found: list[Violation] = participant_violations(
        programme=body.programme,
        has_citizen=body.citizen_id is not None,
        has_organisation=body.organisation_id is not None,
    )
    found += milestone_violations(
        started_on=body.started_on,
        milestones=[MilestoneDates(m.name, m.due_on, m.reached_on) for m in body.milestones],
        today=dt.date.today(),
    )
    found += await reference_violations(
        session, PARTNERSHIPS, [("partnership_id", body.partnership_id, None)], municipality=municipality
    )
    found += await reference_violations(
        session, ORGANISATIONS, [("organisation_id", body.organisation_id, None)], municipality=municipality
    )
    citizen_id = body.citizen_id
    if citizen_id is not None and await citizen_store.get_live(session, citizen_id, tenant=municipality) is None:
        found.append(Violation("citizen_id", "no such citizen in the municipality", "unknown_reference"))
    return found


def _values(body: BaseModel) -> dict[str, Any]:
    return body.model_dump(mode="json", include=FIELDS) | {
        "citizen_id": getattr(body, "citizen_id", None),
        "organisation_id": getattr(body, "organisation_id", None),
        "partnership_id": body.partnership_id,  # type: ignore[attr-defined]
        "started_on": body.started_on,  # type: ignore[attr-defined]
    }


def enrolment_read(row: Any) -> EnrolmentRead:
    return EnrolmentRead.model_validate(row, from_attributes=True)


COLLECTION = TenantCollection(ENROLMENTS, enrolment_read, entity="enrolment")


async def create_enrolment(
    session: AsyncSession, body: EnrolmentCreate, *, municipality: str
) -> Versioned[EnrolmentRead]:
    reject(await municipality_violations(session, municipality) + await _violations(session, body, municipality))
    row = await ENROLMENTS.insert(session, {**_values(body), "id": uuid.uuid4(), "municipality": municipality})
    return await COLLECTION.created(session, row)


async def update_enrolment(
    session: AsyncSession, enrolment_id: uuid.UUID, body: EnrolmentUpdate, *, tenant: str, expected: int
) -> Versioned[EnrolmentRead]:
    """Move an enrolment to another phase or record milestones."""

    async def revise(current: Any) -> dict[str, Any]:
        base = enrolment_read(current).model_dump(mode="json", include=FIELDS)
        merged = validate_as(EnrolmentCreate, {**base, **body.model_dump(mode="json", exclude_unset=True)})
        reject(await _violations(session, merged, current.municipality))
        return _values(merged)

    return await COLLECTION.update(session, enrolment_id, tenant=tenant, expected=expected, revise=revise)


# Listing, reading one and deleting one (recorded in error) are the plain tenant-row steps.
list_enrolments = COLLECTION.page
get_enrolment = COLLECTION.get
delete_enrolment = COLLECTION.delete
