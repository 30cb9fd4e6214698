"""SQL for programme cost lines."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from outcomes.domain.calendar import Month
from outcomes.domain.costs import CostLine
from outcomes.schemas.programme_costs import ProgrammeCostRead
from outcomes.store.tables import programme_costs
from servicekit.domain_errors import Conflict

Row = sa.Row[Any]


def cost_line(row: Row) -> CostLine:
    """A stored line as a domain fact."""
    return CostLine(
        id=str(row.id),
        partnership_id=str(row.partnership_id),
        side=row.side,
        category=row.category,
        amount=row.amount,
        month=Month.of(row.month),
        payer=row.payer,
        supersedes=str(row.supersedes) if row.supersedes else None,
        funder=row.funder,
        note=row.note,
        sequence=row.sequence,
    )


def cost_read(row: Row, superseded_by: uuid.UUID | None) -> ProgrammeCostRead:
    """The answer: the row, its month as YYYY-MM, and whether a correction replaced it."""
    return ProgrammeCostRead.model_validate(
        {
            **row._mapping,
            "month": str(Month.of(row.month)),
            "superseded_by": superseded_by,
            "in_force": superseded_by is None,
            "recorded_at": row.created_at,
        }
    )


async def insert_line(session: AsyncSession, values: dict[str, Any]) -> Row:
    """Insert a line; a second correction of one line violates the unique `supersedes` (409)."""
    try:
        async with session.begin_nested():
            statement = sa.insert(programme_costs).values(**values).returning(*programme_costs.c)
            return (await session.execute(statement)).one()
    except IntegrityError as error:
        raise Conflict("This cost line has already been corrected; correct the line that replaced it.") from error


async def lines_of(
    session: AsyncSession,
    *,
    municipality: str | None = None,
    partnership_ids: Sequence[uuid.UUID] | None = None,
    after_sequence: int | None = None,
    limit: int | None = None,
) -> list[Row]:
    """Lines in recording order, of a municipality and/or partnerships (row-level security scopes them too)."""
    query = sa.select(programme_costs).order_by(programme_costs.c.sequence)
    if municipality is not None:
        query = query.where(programme_costs.c.municipality == municipality)
    if partnership_ids is not None:
        query = query.where(programme_costs.c.partnership_id.in_(list(partnership_ids)))
    if after_sequence is not None:
        query = query.where(programme_costs.c.sequence > after_sequence)
    if limit is not None:
        query = query.limit(limit)
    return list((await session.execute(query)).all())


async def superseding(session: AsyncSession, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, uuid.UUID]:
    """{line id: the id of the line that corrects it} for these lines."""
    if not ids:
        return {}
    query = sa.select(programme_costs.c.supersedes, programme_costs.c.id).where(
        programme_costs.c.supersedes.in_(list(ids))
    )
    return {row.supersedes: row.id for row in (await session.execute(query)).all()}


async def get_line(session: AsyncSession, line_id: uuid.UUID) -> Row | None:
    return (await session.execute(sa.select(programme_costs).where(programme_costs.c.id == line_id))).first()
