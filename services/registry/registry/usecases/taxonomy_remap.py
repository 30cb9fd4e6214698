"""A newer taxonomy version: rewrite every citizen's and opening's codes to their replacements.

One page of records per call, in the caller's transaction: read, decide (domain.taxonomy_remap),
and for each record that changes write it at the version read (a record changed since by someone
else is skipped and counted; the next run takes it), with a new content hash, a new version, its
feed entry and — for a citizen — an audit row as the system's remap job. A record whose codes are
all current is not written, so a second run changes nothing.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from registry.domain.taxonomy_remap import Remap, RemapReport, remap_citizen, remap_opening
from registry.feed import publish
from registry.store import audit
from registry.store import citizens as citizen_store
from registry.store import openings as opening_store
from registry.store.citizens import CITIZENS
from registry.store.openings import OPENINGS
from registry.store.rows import TenantRows
from registry.usecases import citizen_values, opening_values
from taxonomy.versions import Changes

# Who the remap acts as in the audit log.
REMAP_ACTOR = "system:taxonomy-remap"
Page = Callable[..., Awaitable[list[sa.Row[Any]]]]


@dataclass(frozen=True)
class _Records:
    """One kind of record the remap walks: how to page, decide, hash and lock it."""

    entity: str
    rows: TenantRows
    page: Page
    decide: Callable[[Any, Changes], Remap]
    rehash: Callable[[Any, dict[str, Any]], str]
    lock: Callable[[AsyncSession, Iterable[str]], Awaitable[None]]


RECORDS = {
    "citizen": _Records(
        "citizen",
        CITIZENS,
        citizen_store.live_page_by_id,
        lambda row, changes: remap_citizen(skills=row.skills, interests=row.interests, changes=changes),
        citizen_values.rehashed,
        citizen_store.lock_municipalities,
    ),
    "opening": _Records(
        "opening",
        OPENINGS,
        opening_store.page_by_id,
        lambda row, changes: remap_opening(occupation=row.occupation, skills=row.skills, changes=changes),
        opening_values.rehashed,
        opening_store.lock_municipalities,
    ),
}


async def remap_page(
    session: AsyncSession,
    entity: str,
    changes: Changes,
    report: RemapReport,
    *,
    tenant: str,
    after: uuid.UUID | None,
    limit: int,
) -> uuid.UUID | None:
    """Remap one page of `entity` records after `after`; the last id read, None when there are no more."""
    records = RECORDS[entity]
    rows = await records.page(session, tenant=tenant, after=after, limit=limit)
    decided = [(row, records.decide(row, changes)) for row in rows]
    for _, remap in decided:
        report.add(entity, remap)
    changed = [(row, remap) for row, remap in decided if remap.values]
    report.count(entity, "unchanged", len(decided) - len(changed))
    if report.dry_run:
        report.count(entity, "changed", len(changed))
    elif changed:
        written = await _write(session, records, changed, tenant=tenant)
        report.count(entity, "changed", len(written))
        report.count(entity, "skipped_concurrent", len(changed) - len(written))
        if entity == "citizen":
            await audit.record(
                session,
                citizens=[(row.id, row.municipality) for row in written],
                actor=REMAP_ACTOR,
                action="update",
                purpose=f"taxonomy version {changes.source}",
                request_id=report.run_id,
                actor_municipality="*",
                system=True,
            )
    return rows[-1].id if rows else None


async def _write(
    session: AsyncSession, records: _Records, changed: list[tuple[Any, Remap]], *, tenant: str
) -> list[Any]:
    """Write each changed record at the version read, and put the written ones on the feed."""
    # Held exclusively as single writes hold it, so no optimistic batch writes these rows beside us.
    await records.lock(session, {row.municipality for row, _ in changed})
    written = []
    for row, remap in changed:
        values = {**remap.values, "content_hash": records.rehash(row, remap.values)}
        new = await records.rows.update(session, row.id, tenant=tenant, expected_version=row.version, values=values)
        if new is not None:
            written.append(new)
    await publish.upserted_many(session, [publish.upsert_change(records.entity, row) for row in written])
    return written
