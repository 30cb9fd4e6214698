"""SQL for the state's refusion statements and their reconciliation lines (no national ids)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from outcomes.store.tables import refusion_statement_lines, refusion_statements
from servicekit.bulk import insert_from_json, rows_parameter

Row = sa.Row[Any]
LINE_COLUMNS = (
    "statement_id",
    "line",
    "municipality",
    "citizen_id",
    "year",
    "week",
    "benefit",
    "paid",
    "state_share_percent",
    "state_refund",
    "computed_share_percent",
    "computed_refund",
    "difference",
    "status",
)
_INSERT_LINES = insert_from_json(refusion_statement_lines, LINE_COLUMNS)


async def insert_statement(session: AsyncSession, values: dict[str, Any], lines: Sequence[dict[str, Any]]) -> Row:
    """The statement and all its lines, in the request's transaction (whole or nothing)."""
    row = (
        await session.execute(sa.insert(refusion_statements).values(**values).returning(*refusion_statements.c))
    ).one()
    for start in range(0, len(lines), 20_000):
        await session.execute(_INSERT_LINES, rows_parameter(lines[start : start + 20_000]))
    return row


async def get_statement(session: AsyncSession, statement_id: uuid.UUID) -> Row | None:
    query = sa.select(refusion_statements).where(refusion_statements.c.id == statement_id)
    return (await session.execute(query)).first()


async def differing_lines(session: AsyncSession, statement_id: uuid.UUID, limit: int) -> list[Row]:
    """Lines that do not match, in file order."""
    query = (
        sa.select(refusion_statement_lines)
        .where(refusion_statement_lines.c.statement_id == statement_id, refusion_statement_lines.c.status != "match")
        .order_by(refusion_statement_lines.c.line)
        .limit(limit)
    )
    return list((await session.execute(query)).all())
