"""The SQL for recommendation lists served (one row per citizen per list) and caseworkers'
decisions on them. Row-level security scopes both by municipality."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from servicekit.pagination import TimePosition

from .tables import access_outbox, decisions, recommendation_logs

# Bound parameters of the log row's columns are named `log_<column>`: the outbox insert around it
# has its own `citizen_id` and `entry`.
LOGGED = "log_"


def _log_with_access_entry() -> sa.Insert:
    """A served list's log row and its access-log entry for the registry as one statement (one
    round trip instead of two)."""
    columns: dict[str, Any] = {
        c.name: sa.bindparam(LOGGED + c.name) for c in recommendation_logs.c if c.name != "items"
    }
    logged = sa.insert(recommendation_logs).values(
        **columns, items=sa.cast(sa.bindparam("items_json", type_=sa.Text), sa.JSON)
    )
    entry = sa.bindparam("access_entry", type_=access_outbox.c.entry.type)
    return (
        sa.insert(access_outbox)
        .values(citizen_id=sa.bindparam(LOGGED + "citizen_id"), entry=entry)
        .add_cte(logged.cte("logged"))
    )


async def insert_logs(session: AsyncSession, rows: list[dict[str, Any]]) -> None:
    """Insert served lists, each with its access-log entry in the outbox. A row holds the log's
    columns, `items_json` (the list's JSON text, already serialised) instead of `items`, and
    `access_entry`."""
    if rows:
        own = ("items_json", "access_entry")
        params = [{(k if k in own else LOGGED + k): v for k, v in row.items()} for row in rows]
        await session.execute(_log_with_access_entry(), params)


def _newest_first(table: sa.Table, at: sa.Column[Any], after: TimePosition | None) -> sa.Select[Any]:
    """Newest first, ties by id: the rows after `after` in that order."""
    query = sa.select(table).order_by(at.desc(), table.c.id)
    if after is not None:
        moment, row_id = after
        query = query.where(sa.or_(at < moment, sa.and_(at == moment, table.c.id > row_id)))
    return query


async def logs_of(
    session: AsyncSession, citizen_id: uuid.UUID, *, after: TimePosition | None = None, limit: int | None = None
) -> list[sa.Row[Any]]:
    query = _newest_first(recommendation_logs, recommendation_logs.c.served_at, after).where(
        recommendation_logs.c.citizen_id == citizen_id
    )
    if limit is not None:
        query = query.limit(limit)
    return list((await session.execute(query)).all())


async def get_log(session: AsyncSession, log_id: uuid.UUID) -> sa.Row[Any] | None:
    query = sa.select(recommendation_logs).where(recommendation_logs.c.id == log_id)
    return (await session.execute(query)).first()


async def insert_decision(session: AsyncSession, **values: Any) -> sa.Row[Any]:
    statement = sa.insert(decisions).values(id=uuid.uuid4(), **values).returning(decisions)
    row: sa.Row[Any] = (await session.execute(statement)).one()
    return row


async def decisions_of(
    session: AsyncSession, citizen_id: uuid.UUID, *, after: TimePosition | None = None, limit: int | None = None
) -> list[sa.Row[Any]]:
    query = _newest_first(decisions, decisions.c.decided_at, after).where(decisions.c.citizen_id == citizen_id)
    if limit is not None:
        query = query.limit(limit)
    return list((await session.execute(query)).all())


async def decision_counts(session: AsyncSession, municipality: str) -> list[tuple[str, str, int]]:
    """(target group, decision, count) of the municipality's recorded decisions."""
    query = (
        sa.select(decisions.c.target_group, decisions.c.decision, sa.func.count())
        .where(decisions.c.municipality == municipality)
        .group_by(decisions.c.target_group, decisions.c.decision)
        .order_by(decisions.c.target_group, decisions.c.decision)
    )
    return [(str(g), str(d), int(n)) for g, d, n in (await session.execute(query)).all()]


async def labelled_decisions(session: AsyncSession, labels: dict[str, bool]) -> list[tuple[str, str, bool]]:
    """(citizen id, opening id, label) of every decision that labels a pair for training, oldest first."""
    query = (
        sa.select(decisions.c.citizen_id, decisions.c.opening_id, decisions.c.decision)
        .where(decisions.c.decision.in_(list(labels)))
        .order_by(decisions.c.decided_at, decisions.c.id)
    )
    return [(str(c), str(o), labels[d]) for c, o, d in (await session.execute(query)).all()]


def _expired_logs(cutoff: datetime) -> sa.Select[tuple[uuid.UUID]]:
    return sa.select(recommendation_logs.c.id).where(recommendation_logs.c.served_at < cutoff)


def _expired_decisions(cutoff: datetime) -> sa.ColumnElement[bool]:
    """Decided before the cutoff, or on a list served before it (that list goes, and with it the decision)."""
    return sa.or_(decisions.c.decided_at < cutoff, decisions.c.recommendation_log_id.in_(_expired_logs(cutoff)))


async def count_expired(session: AsyncSession, cutoff: datetime) -> tuple[int, int]:
    """(recommendation lists served, decisions) older than the cutoff."""
    logs = await session.scalar(sa.select(sa.func.count()).select_from(_expired_logs(cutoff).subquery()))
    found = await session.scalar(sa.select(sa.func.count()).select_from(decisions).where(_expired_decisions(cutoff)))
    return int(logs or 0), int(found or 0)


async def delete_expired(session: AsyncSession, cutoff: datetime) -> tuple[int, int]:
    """Delete the recommendation lists served and the decisions older than the cutoff; how many of each."""
    gone = await session.execute(sa.delete(decisions).where(_expired_decisions(cutoff)).returning(decisions.c.id))
    deleted_decisions = len(gone.all())
    logs = await session.execute(
        sa.delete(recommendation_logs)
        .where(recommendation_logs.c.served_at < cutoff)
        .returning(recommendation_logs.c.id)
    )
    return len(logs.all()), deleted_decisions
