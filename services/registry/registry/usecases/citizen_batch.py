"""Upsert a batch of citizens in the caller's transaction: validate each, store the changed ones at once."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from registry.domain.codes import CodeBook
from registry.domain.errors import TAKEN_NATIONAL_ID, WriteRace
from registry.domain.national_id_vault import NationalIdVault
from registry.schemas.batch import BatchResult, ItemStatus
from registry.schemas.citizens import CitizenCreate
from registry.store import citizens as repo
from registry.store.rows import savepoint_or_race
from registry.usecases.batch import (
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
from registry.usecases.citizen_values import PreparedCitizen, prepare_citizen

CITIZENS = Collection("citizen", repo.upsert_many)


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
    if not ledger.pending:
        return ledger.result()
    try:
        async with savepoint_or_race(session):
            statuses = await _write_optimistically(session, ledger, prepared, vault)
    except WriteRace:
        # Another writer got there first (a national id now held by another ref) or the two met in a
        # deadlock: the savepoint is gone, and the careful path decides item by item under a lock.
        await _write_carefully(session, ledger, prepared, by_pseudonym, vault)
    else:
        for index, status, row_id in statuses:
            ledger.done(index, status, row_id)
    return ledger.result()


async def _write_optimistically(
    session: AsyncSession, ledger: BatchLedger, prepared: dict[int, PreparedCitizen], vault: NationalIdVault
) -> list[tuple[int, ItemStatus, uuid.UUID]]:
    """The common case, without an exclusive lock or look-ups first: one upsert, then the feed built from the rows.

    Nothing is read before writing: the upsert itself leaves unchanged rows alone and keeps a stored
    national id's encrypted copy, so every item is sealed up front (an AES-GCM pass is cheaper than
    a look-up). Rows go in key order, so two batches that share refs lock them in the same order.
    A national id held by another citizen surfaces as a unique violation, for the caller to handle.
    """
    for index in (item.index for item in ledger.pending.values()):
        prepared[index].seal(vault)
    pending = sorted(ledger.pending.values(), key=lambda item: item.key)
    # Shared with other optimistic batches; a careful writer (lock_municipalities) waits for this
    # one to commit and keeps it out meanwhile. Taken in the savepoint, so a rollback releases it.
    await repo.share_municipalities(session, {item.key[0] for item in pending})
    stored = await repo.upsert_many(session, [item.values for item in pending])  # ids come from PostgreSQL
    written = {(row.municipality, row.external_ref): row for row in stored}
    unchanged = await repo.current_by_ref(session, [item.key for item in pending if item.key not in written])
    statuses: list[tuple[int, ItemStatus, uuid.UUID]] = []
    for item in sorted(pending, key=lambda item: item.index):
        row = written.get(item.key)
        if row is None:
            statuses.append((item.index, "unchanged", unchanged[item.key].id))
        else:
            statuses.append((item.index, "created" if row.inserted else "updated", row.id))
    await repo.record_upserts(session, [row_id for _, status, row_id in statuses if status != "unchanged"])
    return statuses


async def _write_carefully(
    session: AsyncSession,
    ledger: BatchLedger,
    prepared: dict[int, PreparedCitizen],
    by_pseudonym: dict[tuple[str, bytes], Pending],
    vault: NationalIdVault,
) -> None:
    """Lock the municipalities, read what is stored, fail each item whose national id is taken, write the rest."""
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
    await write_changes(session, ledger, to_write, current=current, collection=CITIZENS)
