"""Upsert a batch of citizens in the caller's transaction: validate each, store the valid ones at once."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from types import SimpleNamespace
from typing import Any

from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from registry import feed
from registry.domain.codes import CodeBook
from registry.domain.national_id_vault import NationalIdVault
from registry.domain.violations import Violation
from registry.records.citizens import prepare_citizen
from registry.repository import citizens as repo
from registry.repository import municipalities as municipality_repo
from registry.repository.outbox import record_changes
from registry.schemas.batch import BatchResult
from registry.schemas.citizens import CitizenCreate
from registry.sync.batch import (
    BatchLedger,
    MunicipalityFor,
    conflict_problem,
    domain_problem,
    external_ref_of,
    pydantic_problem,
    violations_problem,
)
from servicekit.errors import DomainError

UNKNOWN_MUNICIPALITY = Violation("municipality", "no such municipality in the registry", "unknown_municipality")
TAKEN_NATIONAL_ID = "This national id belongs to another citizen of the municipality."


async def upsert_citizens(
    session: AsyncSession,
    items: Sequence[Any],
    *,
    municipality_for: MunicipalityFor,
    book: CodeBook,
    vault: NationalIdVault,
    now: dt.datetime | None = None,
) -> BatchResult:
    """Create, update or leave unchanged each citizen by (municipality, external_ref)."""
    now = now or dt.datetime.now(dt.UTC)
    ledger = BatchLedger(len(items), refs={i: external_ref_of(raw) for i, raw in enumerate(items)})
    prepared: dict[int, dict[str, Any]] = {}
    by_ref: dict[tuple[str, str], int] = {}
    by_pseudonym: dict[tuple[str, bytes], int] = {}
    for index, raw in enumerate(items):
        try:
            body = CitizenCreate.model_validate(raw)
            municipality = municipality_for(body.municipality)
        except ValidationError as exc:
            ledger.fail(index, pydantic_problem(exc))
            continue
        except DomainError as exc:
            ledger.fail(index, domain_problem(exc))
            continue
        citizen = prepare_citizen(body, municipality=municipality, book=book, vault=vault, now=now)
        if citizen.violations:
            ledger.fail(index, violations_problem(citizen.violations))
            continue
        key = (municipality, body.external_ref)
        if key in by_ref:
            ledger.fail(index, conflict_problem("The external_ref appears twice in this batch.", "external_ref"))
            continue
        if citizen.pseudonym is not None:
            if (municipality, citizen.pseudonym) in by_pseudonym:
                ledger.fail(index, conflict_problem("The national id appears twice in this batch.", "national_id"))
                continue
            by_pseudonym[(municipality, citizen.pseudonym)] = index
        by_ref[key] = index
        prepared[index] = citizen.values

    await drop_unknown_municipalities(session, ledger, prepared)
    holders = await repo.refs_by_pseudonym(session, list(by_pseudonym))
    for (municipality, pseudonym), index in by_pseudonym.items():
        holder = holders.get((municipality, pseudonym), prepared.get(index, {}).get("external_ref"))
        if index in prepared and holder != prepared[index]["external_ref"]:
            ledger.fail(index, conflict_problem(TAKEN_NATIONAL_ID, "national_id"))
            del prepared[index]

    stored = await repo.upsert_many(session, [_json_row(values) for values in prepared.values()])
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
    # The feed's data comes from the values just written (no need to read the rows back).
    written = [SimpleNamespace(**prepared[i], id=r.id, updated_at=r.updated_at) for i, r in sorted(by_index.items())]
    await record_changes(session, [feed.upsert("citizen", w, feed.citizen_data(w)) for w in written])
    return ledger.result()


async def drop_unknown_municipalities(
    session: AsyncSession, ledger: BatchLedger, prepared: dict[int, dict[str, Any]]
) -> None:
    """Items naming a municipality the registry does not hold fail with 422."""
    codes = {values["municipality"] for values in prepared.values()}
    known = {code for code in codes if await municipality_repo.get(session, code) is not None}
    for index in [i for i, values in prepared.items() if values["municipality"] not in known]:
        ledger.fail(index, violations_problem([UNKNOWN_MUNICIPALITY]))
        del prepared[index]


def _json_row(values: dict[str, Any]) -> dict[str, Any]:
    """Row values as the upsert's JSON record (bytes as hex)."""
    row = {k: v for k, v in values.items() if not k.startswith("national_id_")}
    row["id"] = str(uuid.uuid4())
    pseudonym = values.get("national_id_pseudonym")
    row["pseudonym"] = pseudonym.hex() if pseudonym else None
    ciphertext = values.get("national_id_ciphertext")
    row["ciphertext"] = ciphertext.hex() if ciphertext else None
    row["key_id"] = values.get("national_id_key_id")
    return row
