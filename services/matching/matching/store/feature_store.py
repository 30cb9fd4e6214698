"""Writes to the pseudonymised feature store, from the change feed. Idempotent: a row only moves
forward in feed order. Tenant scoping comes from row-level security (the feed writes as '*')."""

from __future__ import annotations

import uuid
from functools import cache
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import Insert, insert
from sqlalchemy.ext.asyncio import AsyncSession

from servicekit.bulk import insert_from_json, rows_parameter
from servicekit.idempotency import forget_answers_naming

from .tables import (
    access_outbox,
    catalogue_versions,
    citizen_features,
    decisions,
    enrolment_features,
    idempotency_keys,
    ranking_entries,
    recommendation_logs,
)


async def upsert_features(session: AsyncSession, table: sa.Table, rows: list[dict[str, Any]]) -> None:
    """One statement for many rows (distinct ids); a row never goes back to an older feed position."""
    if not rows:
        return
    await session.execute(_feature_upsert(table, tuple(rows[0])), rows_parameter(rows))


@cache
def _feature_upsert(table: sa.Table, names: tuple[str, ...]) -> Insert:
    statement = insert_from_json(table, names)
    update = {name: statement.excluded[name] for name in names if name != "id"}
    return statement.on_conflict_do_update(
        index_elements=[table.c.id], set_=update, where=table.c.seq < statement.excluded.seq
    )


async def delete_features(session: AsyncSession, table: sa.Table, entity_id: uuid.UUID) -> None:
    await session.execute(sa.delete(table).where(table.c.id == entity_id))


async def erase_citizens(session: AsyncSession, citizen_ids: list[uuid.UUID]) -> None:
    """Erasure (GDPR art. 17) reached us: drop every row we hold about these citizens: features,
    enrolments, national-run rows, recommendation lists served, decisions, pending access-log
    entries, and stored idempotent answers that name one of them (a replay then runs afresh).
    One statement per table for the whole run of erasures (a batch of 1,000 is one scan of the
    stored answers, not 1,000). Deleting what is already gone deletes nothing, so a replayed
    erasure is harmless."""
    if not citizen_ids:
        return
    await session.execute(sa.delete(citizen_features).where(citizen_features.c.id.in_(citizen_ids)))
    for table in (enrolment_features, ranking_entries, decisions, recommendation_logs, access_outbox):
        await session.execute(sa.delete(table).where(table.c.citizen_id.in_(citizen_ids)))
    await forget_answers_naming(session, idempotency_keys, citizen_ids)


async def drop_from_rankings(session: AsyncSession, citizen_ids: list[uuid.UUID]) -> None:
    """Consent to matching withdrawn: the citizen's rows in stored national runs go."""
    if citizen_ids:
        await session.execute(sa.delete(ranking_entries).where(ranking_entries.c.citizen_id.in_(citizen_ids)))


async def bump_catalogue_versions(session: AsyncSession, versions: dict[str, int]) -> None:
    """Record the feed position of the latest change to each municipality's opening catalogue."""
    if not versions:
        return
    statement = insert(catalogue_versions).values(
        [{"municipality": municipality, "seq": seq} for municipality, seq in sorted(versions.items())]
    )
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=[catalogue_versions.c.municipality],
            set_={"seq": sa.func.greatest(catalogue_versions.c.seq, statement.excluded.seq)},
        )
    )
