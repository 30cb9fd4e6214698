"""National ranking runs and each citizen's list in them (row-level security by municipality)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from matching.schemas.ranking_runs import RankingRunRead

from .tables import citizen_features, ranking_entries, ranking_runs


def _run_read(row: sa.Row[Any]) -> RankingRunRead:
    return RankingRunRead.model_validate(row, from_attributes=True)


async def insert_run(session: AsyncSession, **values: Any) -> RankingRunRead:
    """A new run, numbered after the newest (one numbering at a time)."""
    await session.execute(sa.text("select pg_advisory_xact_lock(hashtext('matching.ranking_runs'))"))
    version = (
        await session.execute(sa.select(sa.func.coalesce(sa.func.max(ranking_runs.c.version), 0) + 1))
    ).scalar_one()
    statement = sa.insert(ranking_runs).values(id=uuid.uuid4(), version=version, **values).returning(ranking_runs)
    return _run_read((await session.execute(statement)).one())


async def insert_entries(
    session: AsyncSession,
    run_id: uuid.UUID,
    entries: Sequence[tuple[str, list[str], list[float]]],
    *,
    batch: int = 5_000,
) -> None:
    """(citizen id, opening ids best first, scores) per citizen; the municipality comes from the feature store."""
    municipality = {
        str(row.id): str(row.municipality)
        for row in (
            await session.execute(
                sa.select(citizen_features.c.id, citizen_features.c.municipality).where(
                    citizen_features.c.id.in_([uuid.UUID(c) for c, _, _ in entries])
                )
            )
        ).all()
    }
    rows = [
        {"run_id": run_id, "citizen_id": uuid.UUID(c), "municipality": municipality[c], "opening_ids": o, "scores": s}
        for c, o, s in entries
        if c in municipality
    ]
    for start in range(0, len(rows), batch):
        await session.execute(sa.insert(ranking_entries), rows[start : start + batch])


async def list_runs(session: AsyncSession, *, before_version: int | None, limit: int) -> list[RankingRunRead]:
    """Newest first, from the version before `before_version`."""
    query = sa.select(ranking_runs).order_by(ranking_runs.c.version.desc()).limit(limit)
    if before_version is not None:
        query = query.where(ranking_runs.c.version < before_version)
    return [_run_read(row) for row in (await session.execute(query)).all()]


async def get_run(session: AsyncSession, run_id: uuid.UUID) -> RankingRunRead | None:
    row = (await session.execute(sa.select(ranking_runs).where(ranking_runs.c.id == run_id))).first()
    return None if row is None else _run_read(row)


async def citizen_entry(
    session: AsyncSession, run_id: uuid.UUID, citizen_id: uuid.UUID
) -> tuple[list[str], list[float]] | None:
    """The citizen's row in the run, only while they consent to matching (withdrawal also deletes it)."""
    consenting = sa.exists().where(citizen_features.c.id == citizen_id, citizen_features.c.consent.is_(True))
    query = sa.select(ranking_entries.c.opening_ids, ranking_entries.c.scores).where(
        ranking_entries.c.run_id == run_id, ranking_entries.c.citizen_id == citizen_id, consenting
    )
    row = (await session.execute(query)).first()
    return None if row is None else (list(row.opening_ids), list(row.scores))
