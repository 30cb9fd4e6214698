"""Upsert a batch of job openings in the caller's transaction."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from registry.domain.codes import CodeBook
from registry.domain.opening_rules import EMPLOYER_KINDS
from registry.domain.violations import Violation
from registry.schemas.batch import BatchResult
from registry.schemas.openings import OpeningCreate
from registry.store import openings as repo
from registry.store.organisations import ORGANISATIONS
from registry.usecases.batch import (
    BatchLedger,
    Collection,
    MunicipalityFor,
    drop_unknown_municipalities,
    external_ref_of,
    settle_unchanged,
    validated,
    violations_problem,
    write_changes,
)
from registry.usecases.opening_values import prepare_opening

OPENINGS = Collection("opening", repo.upsert_many)


async def upsert_openings(
    session: AsyncSession, items: Sequence[Any], *, municipality_for: MunicipalityFor, book: CodeBook, tenant: str
) -> BatchResult:
    """Create, update or leave unchanged each opening by (municipality, external_ref)."""
    ledger = BatchLedger(len(items), refs={i: external_ref_of(raw) for i, raw in enumerate(items)})
    for index, body, municipality in validated(items, ledger, OpeningCreate, municipality_for):
        opening = prepare_opening(body, municipality=municipality, book=book)
        ledger.admit(index, opening.values, opening.violations)

    await drop_unknown_municipalities(session, ledger)
    employers = await ORGANISATIONS.get_many(
        session,
        [uuid.UUID(item.values["organisation_id"]) for item in ledger.pending.values()],
        tenant=tenant,
    )
    for key, item in list(ledger.pending.items()):
        employer = employers.get(uuid.UUID(item.values["organisation_id"]))
        if employer is None or employer.municipality != key[0] or employer.kind not in EMPLOYER_KINDS:
            violation = Violation(
                "organisation_id", "no employer with this id in the municipality", "unknown_reference"
            )
            ledger.drop(key, violations_problem([violation]))

    await repo.lock_municipalities(session, {key[0] for key in ledger.pending})
    current = await repo.current_by_ref(session, list(ledger.pending))
    to_write = settle_unchanged(ledger, current, lambda item, row: row.content_hash == item.values["content_hash"])
    await write_changes(session, ledger, to_write, current=current, collection=OPENINGS)
    return ledger.result()
