"""Upsert a batch of citizens in the caller's transaction: validate each, store the changed ones at once."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from registry import feed
from registry.domain.codes import CodeBook
from registry.domain.national_id_vault import NationalIdVault
from registry.records.citizens import PreparedCitizen, prepare_citizen
from registry.repository import citizens as repo
from registry.schemas.batch import BatchResult
from registry.schemas.citizens import CitizenCreate
from registry.sync.batch import (
    BatchLedger,
    Collection,
    MunicipalityFor,
    Pending,
    conflict_problem,
    drop_unknown_municipalities,
    external_ref_of,
    settle_unchanged,
    validated,
    write_changes,
)

TAKEN_NATIONAL_ID = "This national id belongs to another citizen of the municipality."
CITIZENS = Collection("citizen", repo.upsert_many, feed.citizen_data)


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
    prepared: dict[int, PreparedCitizen] = {}
    by_pseudonym: dict[tuple[str, bytes], Pending] = {}
    for index, body, municipality in validated(items, ledger, CitizenCreate, municipality_for):
        citizen = prepare_citizen(body, municipality=municipality, book=book, vault=vault, now=now)
        item = ledger.admit(index, citizen.values, citizen.violations)
        if item is None:
            continue
        prepared[index] = citizen
        if citizen.pseudonym is not None:
            if (municipality, citizen.pseudonym) in by_pseudonym:
                ledger.drop(item.key, conflict_problem("The national id appears twice in this batch.", "national_id"))
                continue
            by_pseudonym[(municipality, citizen.pseudonym)] = item

    await drop_unknown_municipalities(session, ledger)
    # From here to commit no other writer of these municipalities' citizens reads or writes, so
    # what is read below is what the statements below will meet (no unique violation, no deadlock).
    await repo.lock_municipalities(session, {key[0] for key in ledger.pending})
    current = await repo.current_by_ref(session, list(ledger.pending))
    live = {pair: item for pair, item in by_pseudonym.items() if item.key in ledger.pending}
    holders = await repo.refs_by_pseudonym(session, list(live))
    for pair, item in live.items():
        if holders.get(pair, item.key[1]) != item.key[1]:
            ledger.drop(item.key, conflict_problem(TAKEN_NATIONAL_ID, "national_id"))

    def same(item: Pending, row: Any) -> bool:
        pseudonym = prepared[item.index].pseudonym
        return bool(row.content_hash == item.values["content_hash"]) and pseudonym in (None, row.national_id_pseudonym)

    to_write = settle_unchanged(ledger, current, same)
    for item in to_write:
        stored = current.get(item.key)
        if stored is None or stored.national_id_pseudonym != prepared[item.index].pseudonym:
            prepared[item.index].seal(vault)  # only new or changed national ids are encrypted
    await write_changes(session, ledger, to_write, current=current, collection=CITIZENS)
    return ledger.result()
