"""Upsert a batch of job openings in the caller's transaction."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from types import SimpleNamespace
from typing import Any

from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from registry import feed
from registry.domain.codes import CodeBook
from registry.domain.violations import Violation
from registry.models import organisations
from registry.records.openings import prepare_opening
from registry.repository import openings as repo
from registry.repository import rows
from registry.repository.outbox import record_changes
from registry.schemas.batch import BatchResult
from registry.schemas.openings import OpeningCreate
from registry.sync.batch import (
    BatchLedger,
    MunicipalityFor,
    conflict_problem,
    domain_problem,
    external_ref_of,
    pydantic_problem,
    violations_problem,
)
from registry.sync.citizens import drop_unknown_municipalities
from servicekit.errors import DomainError

EMPLOYER_KINDS = frozenset({"company", "social_enterprise", "municipal_unit"})


async def upsert_openings(
    session: AsyncSession, items: Sequence[Any], *, municipality_for: MunicipalityFor, book: CodeBook, tenant: str
) -> BatchResult:
    """Create, update or leave unchanged each opening by (municipality, external_ref)."""
    ledger = BatchLedger(len(items), refs={i: external_ref_of(raw) for i, raw in enumerate(items)})
    prepared: dict[int, dict[str, Any]] = {}
    by_ref: dict[tuple[str, str], int] = {}
    for index, raw in enumerate(items):
        try:
            body = OpeningCreate.model_validate(raw)
            municipality = municipality_for(body.municipality)
        except ValidationError as exc:
            ledger.fail(index, pydantic_problem(exc))
            continue
        except DomainError as exc:
            ledger.fail(index, domain_problem(exc))
            continue
        opening = prepare_opening(body, municipality=municipality, book=book)
        if opening.violations:
            ledger.fail(index, violations_problem(opening.violations))
            continue
        key = (municipality, body.external_ref)
        if key in by_ref:
            ledger.fail(index, conflict_problem("The external_ref appears twice in this batch.", "external_ref"))
            continue
        by_ref[key] = index
        prepared[index] = opening.values

    await drop_unknown_municipalities(session, ledger, prepared)
    employers = await rows.get_many(
        session, organisations, [uuid.UUID(v["organisation_id"]) for v in prepared.values()], tenant=tenant
    )
    for index in list(prepared):
        employer = employers.get(uuid.UUID(prepared[index]["organisation_id"]))
        if (
            employer is None
            or employer.municipality != prepared[index]["municipality"]
            or employer.kind not in EMPLOYER_KINDS
        ):
            violation = Violation(
                "organisation_id", "no employer with this id in the municipality", "unknown_reference"
            )
            ledger.fail(index, violations_problem([violation]))
            del prepared[index]

    stored = await repo.upsert_many(session, [{**values, "id": str(uuid.uuid4())} for values in prepared.values()])
    by_index = {by_ref[(r.municipality, r.external_ref)]: r for r in stored}
    changed = {(r.municipality, r.external_ref): r for r in stored}
    untouched = await repo.ids_by_ref(session, [k for k in by_ref if k not in changed and by_ref[k] in prepared])
    for key, index in by_ref.items():
        if index not in prepared:
            continue
        if key in changed:
            ledger.done(index, "created" if changed[key].inserted else "updated", changed[key].id)
        else:
            ledger.done(index, "unchanged", untouched[key].id)
    written = [SimpleNamespace(**prepared[i], id=r.id, updated_at=r.updated_at) for i, r in sorted(by_index.items())]
    await record_changes(session, [feed.upsert("opening", w, feed.opening_data(w)) for w in written])
    return ledger.result()
