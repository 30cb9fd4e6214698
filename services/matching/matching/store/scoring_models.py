"""Trained scoring models, national: versions, validation metrics, the stored model file, which one is active."""

from __future__ import annotations

import uuid
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from matching.schemas.models import ModelRead

from .tables import scoring_models


def _model_columns() -> list[sa.Column[Any]]:
    return [c for c in scoring_models.c if c.name != "blob"]


def _model_read(row: sa.Row[Any]) -> ModelRead:
    return ModelRead.model_validate(row, from_attributes=True)


async def insert_model(
    session: AsyncSession,
    *,
    kind: str,
    metrics: dict[str, Any],
    outcomes_used: int,
    sklearn_version: str,
    feature_schema: list[str],
    blob: bytes,
) -> ModelRead:
    await session.execute(sa.text("select pg_advisory_xact_lock(hashtext('matching.scoring_models'))"))
    version = (
        await session.execute(sa.select(sa.func.coalesce(sa.func.max(scoring_models.c.version), 0) + 1))
    ).scalar_one()
    values = {
        "id": uuid.uuid4(),
        "version": version,
        "kind": kind,
        "metrics": metrics,
        "outcomes_used": outcomes_used,
        "sklearn_version": sklearn_version,
        "feature_schema": feature_schema,
        "blob": blob,
    }
    return _model_read(
        (await session.execute(sa.insert(scoring_models).values(values).returning(*_model_columns()))).one()
    )


async def list_models(session: AsyncSession, *, before_version: int | None, limit: int) -> list[ModelRead]:
    """Newest first, from the version before `before_version`."""
    query = sa.select(*_model_columns()).order_by(scoring_models.c.version.desc()).limit(limit)
    if before_version is not None:
        query = query.where(scoring_models.c.version < before_version)
    return [_model_read(row) for row in (await session.execute(query)).all()]


async def get_model(session: AsyncSession, model_id: uuid.UUID) -> ModelRead | None:
    query = sa.select(*_model_columns()).where(scoring_models.c.id == model_id)
    row = (await session.execute(query)).first()
    return None if row is None else _model_read(row)


async def activate_model(session: AsyncSession, model_id: uuid.UUID) -> ModelRead:
    await session.execute(sa.update(scoring_models).where(scoring_models.c.active).values(active=False))
    query = (
        sa.update(scoring_models)
        .where(scoring_models.c.id == model_id)
        .values(active=True, activated_at=sa.func.now())
        .returning(*_model_columns())
    )
    return _model_read((await session.execute(query)).one())


async def active_model_id(session: AsyncSession) -> uuid.UUID | None:
    query = sa.select(scoring_models.c.id).where(scoring_models.c.active)
    value = (await session.execute(query)).scalar_one_or_none()
    return value if value is None else uuid.UUID(str(value))


async def model_blob(session: AsyncSession, model_id: uuid.UUID) -> bytes:
    query = sa.select(scoring_models.c.blob).where(scoring_models.c.id == model_id)
    return bytes((await session.execute(query)).scalar_one())
