"""SQL of an erasure (domain/erasure.py): turn a citizen's rows into the pseudonymous shell."""

from __future__ import annotations

import uuid
from datetime import date

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from outcomes.domain.erasure import accounting_data, kept_event
from servicekit import access_outbox as outbox
from servicekit.idempotency import forget_answers_naming

from .tables import (
    access_outbox,
    citizens,
    idempotency_keys,
    outcome_events,
    refusion_statement_lines,
    settlement_lines,
    settlements,
)


async def settled_until(session: AsyncSession, citizen_ids: list[uuid.UUID]) -> dict[uuid.UUID, date]:
    """Per citizen, the end of the last statement (not rejected) with a line based on them; a citizen
    never paid on is absent."""
    query = (
        sa.select(settlement_lines.c.citizen_id, sa.func.max(settlements.c.period_to))
        .join(settlements, settlement_lines.c.settlement_id == settlements.c.id)
        .where(settlement_lines.c.citizen_id.in_(citizen_ids), settlements.c.status != "rejected")
        .group_by(settlement_lines.c.citizen_id)
    )
    return {citizen_id: until for citizen_id, until in (await session.execute(query)).all()}


async def erase_citizens(session: AsyncSession, erased: dict[uuid.UUID, str]) -> None:
    """Keep what payments were based on, drop the rest, for a run of erasures (id → municipality) in
    a few statements: a batch erasure on the feed brings thousands in a row. Applying it twice
    leaves the same state."""
    if not erased:
        return
    ids = list(erased)
    paid_until = await settled_until(session, ids)
    for paid_on in (True, False):
        group = {citizen_id: m for citizen_id, m in erased.items() if (citizen_id in paid_until) is paid_on}
        if not group:
            continue
        shell: dict[str, object] = {"erased_at": sa.func.now(), "benefit": None, "birth_year": None}
        if not paid_on:  # nothing was paid on them: no amount and no group is kept
            shell |= {"benefit_at_enrolment": None, "target_group": None}
        statement = insert(citizens).values(
            [{"id": citizen_id, "municipality": m, "erased_at": sa.func.now()} for citizen_id, m in group.items()]
        )
        await session.execute(
            statement.on_conflict_do_update(index_elements=[citizens.c.id], set_={**shell, "updated_at": sa.func.now()})
        )
    rows = (
        await session.execute(
            sa.select(
                outcome_events.c.id, outcome_events.c.citizen_id, outcome_events.c.occurred_on, outcome_events.c.data
            ).where(outcome_events.c.citizen_id.in_(ids))
        )
    ).all()
    gone = [row.id for row in rows if not kept_event(row.occurred_on, paid_until.get(row.citizen_id))]
    if gone:
        await session.execute(sa.delete(outcome_events).where(outcome_events.c.id.in_(gone)))
    for row in rows:
        if row.id not in gone and accounting_data(row.data) != row.data:
            await session.execute(
                sa.update(outcome_events)
                .where(outcome_events.c.citizen_id == row.citizen_id, outcome_events.c.id == row.id)
                .values(data=accounting_data(row.data))
            )
    await forget_answers_naming(session, idempotency_keys, ids)
    await session.execute(
        sa.update(refusion_statement_lines)
        .where(refusion_statement_lines.c.citizen_id.in_(ids))
        .values(citizen_id=None)
    )
    await outbox.forget_citizens(session, access_outbox, ids)
