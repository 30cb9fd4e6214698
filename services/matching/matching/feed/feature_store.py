"""Keeps the feature store in step with the registry's change feed.

servicekit's FeedConsumer fetches the pages; servicekit's CursorFollower (`feature_store_follower`)
applies them through `_apply_page`, as every follower of the feed does. The cursor lives in
the matching database (`feed_cursors`) and moves in the same transaction as the changes it covers, so a crash
never skips or half-applies a page; changes at or before the stored position are skipped (another
replica applied them), and rows only move forward in feed order, so a page applied twice changes
nothing. After downtime the consumer resumes from its cursor.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from matching.clients.registry_feed import Change
from matching.domain.personal_data import access_entry
from matching.store import access_outbox
from matching.store import feature_store as store
from matching.store.tables import (
    citizen_features,
    enrolment_features,
    feed_cursors,
    opening_features,
    partnership_features,
)
from servicekit.db import Database
from servicekit.feed_cursor import CursorFollower

from .records import citizen_row, enrolment_row, opening_row, partnership_row

ROWS = {
    "citizen": (citizen_features, citizen_row),
    "opening": (opening_features, opening_row),
    "partnership": (partnership_features, partnership_row),
    "enrolment": (enrolment_features, enrolment_row),
}
REGISTRY_FEED = "registry"
# What the feature store applies, and so all it asks the registry's feed for.
FOLLOWED_ENTITIES = list(ROWS)
# Changes to these alter a municipality's opening catalogue (enrolments: the accelerator progress).
CATALOGUE_ENTITIES = frozenset({"opening", "enrolment"})


async def apply_changes(session: AsyncSession, changes: list[Change]) -> None:
    """Apply changes in feed order. Consecutive upserts into one table go in one statement (the
    latest change of an entity wins), and so do consecutive citizen erasures (a batch erasure or
    retention run puts thousands in a row); any other kind of change ends such a run, so order
    holds. Entities matching does not use (municipality, organisation) are skipped."""
    run_table: sa.Table | None = None
    run: dict[Any, dict[str, Any]] = {}
    erasing: dict[uuid.UUID, None] = {}

    async def flush() -> None:
        if run_table is not None and run:
            await store.upsert_features(session, run_table, list(run.values()))
            if run_table is citizen_features:  # withdrawn consent leaves the stored national runs too
                await store.drop_from_rankings(session, [row["id"] for row in run.values() if not row["consent"]])
        run.clear()
        if erasing:
            await store.erase_citizens(session, list(erasing))
        erasing.clear()

    for change in changes:
        spec = ROWS.get(change.entity)
        if spec is None:
            continue
        table, to_row = spec
        if change.op == "upsert" and change.data is not None:
            if table is not run_table or erasing:
                await flush()
                run_table = table
            row = to_row(change.seq, change.data)
            run[row["id"]] = row
            continue
        if change.entity == "citizen":
            if run:
                await flush()
            run_table = None
            erasing[uuid.UUID(change.entity_id)] = None
            continue
        await flush()
        run_table = None
        await store.delete_features(session, table, uuid.UUID(change.entity_id))
    await flush()


def feed_reads(changes: list[Change], at: datetime) -> list[dict[str, Any]]:
    """Access-log entries for the citizens whose data a page brought in (the system's own read,
    one per citizen per page); erasures are not reads."""
    citizens = dict.fromkeys(c.entity_id for c in changes if c.entity == "citizen" and c.op == "upsert" and c.data)
    return [access_entry(citizen_id, "feed", at) for citizen_id in citizens]


def catalogue_changes(changes: list[Change]) -> dict[str, int]:
    """The latest feed position per municipality whose opening catalogue the changes alter."""
    versions: dict[str, int] = {}
    for change in changes:
        if change.entity in CATALOGUE_ENTITIES and change.municipality:
            versions[change.municipality] = max(versions.get(change.municipality, 0), change.seq)
    return versions


async def _apply_page(session: AsyncSession, items: list[dict[str, Any]]) -> None:
    """A page's fresh changes in the cursor's transaction: the feature rows, the system's own reads
    of the citizens it brought in (erasures are not reads), the catalogue versions it moved."""
    fresh = [Change.from_item(item) for item in items]
    await apply_changes(session, fresh)
    erased = {c.entity_id for c in fresh if c.entity == "citizen" and c.op != "upsert"}
    reads = [e for e in feed_reads(fresh, datetime.now(UTC)) if e["citizen_id"] not in erased]
    await access_outbox.add(session, reads)
    await store.bump_catalogue_versions(session, catalogue_changes(fresh))


def feature_store_follower(
    database: Database, on_catalogue_change: Callable[[set[str]], None] | None = None
) -> CursorFollower:
    """servicekit's follower over matching's `feed_cursors`, applying pages to the feature store;
    `on_catalogue_change` is told, after the commit, which municipalities' opening catalogues changed."""

    def after_commit(items: list[dict[str, Any]]) -> None:
        changed = catalogue_changes([Change.from_item(item) for item in items])
        if changed and on_catalogue_change is not None:
            on_catalogue_change(set(changed))

    return CursorFollower(database, feed_cursors, REGISTRY_FEED, _apply_page, after_commit=after_commit)
