"""SQL for the ledger: statements (draft, then decided once), their hash-chained lines, the decisions."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from outcomes.domain.approval import Transition
from outcomes.domain.ledger import CANONICAL_FIELDS, FORM, GENESIS, ChainBreak, ChainCheck, chain
from outcomes.domain.settlement import StatementLine
from outcomes.schemas.settlements import (
    SettlementLineRead,
    SettlementRead,
    SettlementSummary,
    SettlementTransitionRead,
)
from outcomes.store.tables import contracts, settlement_lines, settlement_transitions, settlements

Row = sa.Row[Any]
# A rejected statement pays nothing and holds no period: every ledger read but the chain skips it.
NOT_REJECTED = settlements.c.status != "rejected"


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


def settlement_read(row: Row, lines: Sequence[Row], transitions: Sequence[Row] = ()) -> SettlementRead:
    """A statement with its lines (read by `settlement_lines_of`, which names a line's `milestone`) and history."""
    return SettlementRead.model_validate(
        {
            **row._mapping,
            "lines": [SettlementLineRead.model_validate(line, from_attributes=True) for line in lines],
            "history": [SettlementTransitionRead.model_validate(item, from_attributes=True) for item in transitions],
        }
    )


def settlement_summary(row: Row) -> SettlementSummary:
    return SettlementSummary.model_validate(row, from_attributes=True)


async def lock_contract_ledger(session: AsyncSession, contract_id: uuid.UUID) -> None:
    """Serialise settlements of one contract so two statements never read the same ledger."""
    await session.execute(sa.select(contracts.c.id).where(contracts.c.id == contract_id).with_for_update())


async def find_settlement(
    session: AsyncSession, contract_id: uuid.UUID, period_from: date, period_to: date
) -> Row | None:
    """The statement holding this period (a rejected one holds none)."""
    query = sa.select(settlements).where(
        settlements.c.contract_id == contract_id,
        settlements.c.period_from == period_from,
        settlements.c.period_to == period_to,
        NOT_REJECTED,
    )
    return (await session.execute(query)).first()


async def latest_settlement_end(session: AsyncSession, contract_id: uuid.UUID) -> date | None:
    value = await session.scalar(
        sa.select(sa.func.max(settlements.c.period_to)).where(settlements.c.contract_id == contract_id, NOT_REJECTED)
    )
    return value if isinstance(value, date) else None


async def settlement_periods(
    session: AsyncSession, contract_id: uuid.UUID, *, before: date | None = None
) -> list[tuple[date, date]]:
    """Periods of the contract's statements that are not rejected (those starting before `before`)."""
    query = sa.select(settlements.c.period_from, settlements.c.period_to).where(
        settlements.c.contract_id == contract_id, NOT_REJECTED
    )
    if before is not None:
        query = query.where(settlements.c.period_from < before)
    return [
        (row.period_from, row.period_to)
        for row in (await session.execute(query.order_by(settlements.c.period_from))).all()
    ]


async def ledger_lines(session: AsyncSession, contract_id: uuid.UUID, *, before: date | None = None) -> Sequence[Row]:
    """Lines of the contract's statements that are not rejected (of statements starting before `before`)."""
    query = (
        sa.select(settlement_lines)
        .join(settlements, settlements.c.id == settlement_lines.c.settlement_id)
        .where(settlement_lines.c.contract_id == contract_id, NOT_REJECTED)
        .order_by(settlement_lines.c.id)
    )
    if before is not None:
        query = query.where(settlements.c.period_from < before)
    return (await session.execute(query)).all()


async def insert_settlement(session: AsyncSession, values: dict[str, Any], lines: list[dict[str, Any]]) -> Row:
    """Write a statement and its lines, chaining each line to the contract's previous one.

    The caller holds the contract's row lock (lock_contract_ledger), so no other line of the
    contract is written between reading the last hash and writing these."""
    row = (await session.execute(sa.insert(settlements).values(**values).returning(*settlements.c))).first()
    assert row is not None
    if lines:
        last = await last_hash(session, values["contract_id"])
        hashes = chain(last or GENESIS, [[line[name] for name in CANONICAL_FIELDS] for line in lines])
        chained = [
            {**line, "prev_hash": prev, "row_hash": own} for line, (prev, own) in zip(lines, hashes, strict=True)
        ]
        await session.execute(sa.insert(settlement_lines), chained)
    return row


async def last_hash(session: AsyncSession, contract_id: uuid.UUID) -> str | None:
    """The hash of the contract's newest ledger line (None: no line yet)."""
    query = (
        sa.select(settlement_lines.c.row_hash)
        .where(settlement_lines.c.contract_id == contract_id)
        .order_by(settlement_lines.c.id.desc())
        .limit(1)
    )
    value = await session.scalar(query)
    return str(value) if value is not None else None


async def lock_settlement(session: AsyncSession, settlement_id: uuid.UUID) -> Row | None:
    """The statement, locked until the transaction ends: one decision at a time."""
    query = sa.select(settlements).where(settlements.c.id == settlement_id).with_for_update()
    return (await session.execute(query)).first()


async def record_decision(session: AsyncSession, row: Row, transition: Transition) -> Row:
    """Move a draft to its decided status and log the transition, in the caller's transaction."""
    statement = (
        sa.update(settlements)
        .where(settlements.c.id == row.id, settlements.c.status == "draft")
        .values(
            status=transition.to_status,
            decided_by=transition.actor,
            decided_at=sa.func.now(),
            decision_reason=transition.reason,
        )
        .returning(*settlements.c)
    )
    updated = (await session.execute(statement)).first()
    assert updated is not None  # the row is locked and was a draft
    await insert_transition(session, updated, transition)
    return updated


async def insert_transition(session: AsyncSession, row: Row, transition: Transition) -> None:
    await session.execute(
        sa.insert(settlement_transitions).values(
            settlement_id=row.id,
            municipality=row.municipality,
            contract_id=row.contract_id,
            from_status=transition.from_status,
            to_status=transition.to_status,
            actor=transition.actor,
            reason=transition.reason,
        )
    )


async def drafts_before(session: AsyncSession, contract_id: uuid.UUID, period_from: date) -> int:
    """How many of the contract's statements of earlier periods are still drafts."""
    count = await session.scalar(
        sa.select(sa.func.count())
        .select_from(settlements)
        .where(
            settlements.c.contract_id == contract_id,
            settlements.c.status == "draft",
            settlements.c.period_from < period_from,
        )
    )
    return int(count or 0)


async def transitions_of(session: AsyncSession, settlement_id: uuid.UUID) -> Sequence[Row]:
    query = (
        sa.select(settlement_transitions)
        .where(settlement_transitions.c.settlement_id == settlement_id)
        .order_by(settlement_transitions.c.id)
    )
    return (await session.execute(query)).all()


def _canonical_field(name: str) -> str:
    """SQL for one field of domain/ledger.py's canonical content: `<length>:<text>;` or `N;`."""
    column = settlement_lines.c[name]
    if isinstance(column.type, sa.Date):
        text = f"to_char({name}, 'YYYY-MM-DD')"
    elif isinstance(column.type, sa.Text):
        text = name
    else:
        text = f"{name}::text"
    return f"CASE WHEN {name} IS NULL THEN 'N;' ELSE length({text})::text || ':' || {text} || ';' END"


_CANONICAL_CONTENT = " || ".join(_canonical_field(name) for name in CANONICAL_FIELDS)
# The chain checked by the database in one scan in id order (the (contract_id, id) index): each
# line's hash recomputed from its content and stored prev_hash, and each prev_hash compared with the
# previous line's row_hash (a window). Before the first mismatch this agrees with
# domain.ledger.verify_chain; at it, the same line is named (BROKEN_LINE reads its details).
VERIFY_CHAIN = sa.text(
    f"""
    SELECT count(*) AS total, min(id) FILTER (WHERE row_hash IS DISTINCT FROM encode(sha256(convert_to(
               :form || chr(10) || prev_hash || chr(10) || {_CANONICAL_CONTENT}, 'UTF8')), 'hex')) AS broken_id
    FROM settlement_lines
    WHERE contract_id = :contract_id
    """
)
# The links between lines (each prev_hash the previous line's row_hash) in a scan of its own: the
# hashing above has no window, so PostgreSQL can spread it over parallel workers.
VERIFY_LINKS = sa.text(
    """
    SELECT min(id) FILTER (WHERE unlinked) AS broken_id
    FROM (
        SELECT id, prev_hash IS DISTINCT FROM lag(row_hash, 1, :genesis) OVER (ORDER BY id) AS unlinked
        FROM settlement_lines
        WHERE contract_id = :contract_id
    ) AS links
    """
)
BROKEN_LINE = sa.text(
    f"""
    SELECT id, prev_hash, expected_prev, row_hash, recomputed, upto
    FROM (
        SELECT id, prev_hash, row_hash,
               lag(row_hash, 1, :genesis) OVER (ORDER BY id) AS expected_prev,
               encode(sha256(convert_to(
                   :form || chr(10) || prev_hash || chr(10) || {_CANONICAL_CONTENT}, 'UTF8')), 'hex') AS recomputed,
               count(*) OVER (ORDER BY id) AS upto
        FROM settlement_lines
        WHERE contract_id = :contract_id AND id <= :broken_id
    ) AS chain
    WHERE id = :broken_id
    """
)


async def verify_chain(session: AsyncSession, contract_id: uuid.UUID) -> tuple[ChainCheck, str | None]:
    """Recompute the contract's hash chain in the database (no rows shipped), and the last line's hash."""
    parameters = {"contract_id": contract_id, "genesis": GENESIS, "form": FORM}
    summary = (await session.execute(VERIFY_CHAIN, parameters)).one()
    unlinked = await session.scalar(VERIFY_LINKS, parameters)
    head = await last_hash(session, contract_id)
    broken = min((found for found in (summary.broken_id, unlinked) if found is not None), default=None)
    if broken is None:
        return ChainCheck(True, int(summary.total), None), head
    row = (await session.execute(BROKEN_LINE, {**parameters, "broken_id": broken})).one()
    if row.prev_hash != row.expected_prev:
        return ChainCheck(False, int(row.upto), ChainBreak(row.id, row.expected_prev, row.prev_hash)), head
    return ChainCheck(False, int(row.upto), ChainBreak(row.id, row.recomputed, row.row_hash)), head


async def get_settlement(session: AsyncSession, settlement_id: uuid.UUID) -> Row | None:
    return (await session.execute(sa.select(settlements).where(settlements.c.id == settlement_id))).first()


async def settlement_lines_of(session: AsyncSession, settlement_id: uuid.UUID) -> Sequence[Row]:
    """A statement's lines in ledger order, each with its milestone under the answer's name."""
    query = (
        sa.select(settlement_lines, settlement_lines.c.name.label("milestone"))
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
    query = (
        sa.select(settlement_lines)
        .join(settlements, settlements.c.id == settlement_lines.c.settlement_id)
        .where(settlement_lines.c.contract_id.in_(contract_ids), NOT_REJECTED)
    )
    return (await session.execute(query)).all()


async def lines_naming(session: AsyncSession, citizen_id: uuid.UUID) -> Sequence[Row]:
    """Every ledger line based on a citizen, with its statement's status, period and currency (any status)."""
    query = (
        sa.select(
            settlement_lines,
            settlements.c.status,
            settlements.c.period_from.label("statement_from"),
            settlements.c.period_to.label("statement_to"),
            settlements.c.currency,
        )
        .join(settlements, settlements.c.id == settlement_lines.c.settlement_id)
        .where(settlement_lines.c.citizen_id == citizen_id)
        .order_by(settlement_lines.c.id)
    )
    return (await session.execute(query)).all()
