"""SQL for the ledger: settlement statements and their lines, written once."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from outcomes.domain.settlement import StatementLine
from outcomes.schemas.settlements import SettlementLineRead, SettlementRead, SettlementSummary
from outcomes.store.tables import (
    contracts,
    settlement_lines,
    settlements,
)

Row = sa.Row[Any]


def ledger_of(rows: Sequence[Row]) -> list[StatementLine]:
    """Stored ledger lines as domain lines."""
    return [
        StatementLine(
            citizen_id=str(row.citizen_id),
            name=row.name,
            on=row.reached_on,
            kind=row.kind,
            entitled=row.entitled,
            amount=row.amount,
            reason=row.reason,
            period_from=row.period_from,
        )
        for row in rows
    ]


def settlement_read(row: Row, lines: Sequence[Row]) -> SettlementRead:
    return SettlementRead(
        id=row.id,
        municipality=row.municipality,
        contract_id=row.contract_id,
        period_from=row.period_from,
        period_to=row.period_to,
        currency=row.currency,
        total=row.total,
        created_at=row.created_at,
        lines=[
            SettlementLineRead(
                citizen_id=line.citizen_id,
                target_group=line.target_group,
                milestone=line.name,
                reached_on=line.reached_on,
                kind=line.kind,
                entitled=line.entitled,
                amount=line.amount,
                reason=line.reason,
                period_from=line.period_from,
                basis=line.basis,
                rung=line.rung,
            )
            for line in lines
        ],
    )


def settlement_summary(row: Row) -> SettlementSummary:
    return SettlementSummary(
        id=row.id,
        contract_id=row.contract_id,
        period_from=row.period_from,
        period_to=row.period_to,
        currency=row.currency,
        total=row.total,
        created_at=row.created_at,
    )


async def lock_contract_ledger(session: AsyncSession, contract_id: uuid.UUID) -> None:
    """Serialise settlements of one contract so two statements never read the same ledger."""
    await session.execute(sa.select(contracts.c.id).where(contracts.c.id == contract_id).with_for_update())


async def find_settlement(
    session: AsyncSession, contract_id: uuid.UUID, period_from: date, period_to: date
) -> Row | None:
    query = sa.select(settlements).where(
        settlements.c.contract_id == contract_id,
        settlements.c.period_from == period_from,
        settlements.c.period_to == period_to,
    )
    return (await session.execute(query)).first()


async def latest_settlement_end(session: AsyncSession, contract_id: uuid.UUID) -> date | None:
    value = await session.scalar(
        sa.select(sa.func.max(settlements.c.period_to)).where(settlements.c.contract_id == contract_id)
    )
    return value if isinstance(value, date) else None


async def settlement_periods(session: AsyncSession, contract_id: uuid.UUID) -> list[tuple[date, date]]:
    query = sa.select(settlements.c.period_from, settlements.c.period_to).where(
        settlements.c.contract_id == contract_id
    )
    return [
        (row.period_from, row.period_to)
        for row in (await session.execute(query.order_by(settlements.c.period_from))).all()
    ]


async def ledger_lines(session: AsyncSession, contract_id: uuid.UUID) -> Sequence[Row]:
    query = (
        sa.select(settlement_lines).where(settlement_lines.c.contract_id == contract_id).order_by(settlement_lines.c.id)
    )
    return (await session.execute(query)).all()


async def insert_settlement(session: AsyncSession, values: dict[str, Any], lines: list[dict[str, Any]]) -> Row:
    row = (await session.execute(sa.insert(settlements).values(**values).returning(*settlements.c))).first()
    assert row is not None
    if lines:
        await session.execute(sa.insert(settlement_lines), lines)
    return row


async def get_settlement(session: AsyncSession, settlement_id: uuid.UUID) -> Row | None:
    return (await session.execute(sa.select(settlements).where(settlements.c.id == settlement_id))).first()


async def settlement_lines_of(session: AsyncSession, settlement_id: uuid.UUID) -> Sequence[Row]:
    query = (
        sa.select(settlement_lines)
        .where(settlement_lines.c.settlement_id == settlement_id)
        .order_by(settlement_lines.c.id)
    )
    return (await session.execute(query)).all()


async def list_settlements(
    session: AsyncSession,
    *,
    municipality: str | None = None,
    contract_id: uuid.UUID | None,
    after: uuid.UUID | None,
    limit: int,
) -> Sequence[Row]:
    query = sa.select(settlements).order_by(settlements.c.id).limit(limit)
    if municipality:
        query = query.where(settlements.c.municipality == municipality)
    if contract_id:
        query = query.where(settlements.c.contract_id == contract_id)
    if after:
        query = query.where(settlements.c.id > after)
    return (await session.execute(query)).all()


async def paid_lines(session: AsyncSession, contract_ids: Sequence[uuid.UUID]) -> Sequence[Row]:
    if not contract_ids:
        return []
    query = sa.select(settlement_lines).where(settlement_lines.c.contract_id.in_(contract_ids))
    return (await session.execute(query)).all()
