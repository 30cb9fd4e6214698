"""SQL of an erasure (domain/erasure.py): turn a citizen's rows into the pseudonymous shell."""

from __future__ import annotations

import uuid
from datetime import date

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from outcomes.domain.erasure import accounting_data, kept_event
from servicekit import access_outbox as outbox

from .tables import (
    access_outbox,
    citizens,
    idempotency_keys,
    outcome_events,
    refusion_statement_lines,
    settlement_lines,
    settlements,
)


async def settled_until(session: AsyncSession, citizen_id: uuid.UUID) -> date | None:
    """The end of the last statement (not rejected) with a line based on the citizen; None: never paid on."""
    query = (
        sa.select(sa.func.max(settlements.c.period_to))
        .join(settlement_lines, settlement_lines.c.settlement_id == settlements.c.id)
        .where(settlement_lines.c.citizen_id == citizen_id, settlements.c.status != "rejected")
    )
    value: date | None = (await session.execute(query)).scalar_one()
    return value


async def erase_citizen(session: AsyncSession, citizen_id: uuid.UUID, municipality: str) -> None:
    """Keep what payments were based on, drop the rest (applying it twice leaves the same state)."""
    until = await settled_until(session, citizen_id)
    shell: dict[str, object] = {"erased_at": sa.func.now(), "benefit": None, "birth_year": None}
    if until is None:
        shell |= {"benefit_at_enrolment": None, "target_group": None}
    statement = insert(citizens).values(id=citizen_id, municipality=municipality, erased_at=sa.func.now())
    await session.execute(
        statement.on_conflict_do_update(index_elements=[citizens.c.id], set_={**shell, "updated_at": sa.func.now()})
    )
    rows = (
        await session.execute(
            sa.select(outcome_events.c.id, outcome_events.c.occurred_on, outcome_events.c.data).where(
                outcome_events.c.citizen_id == citizen_id
            )
        )
    ).all()
    gone = [row.id for row in rows if not kept_event(row.occurred_on, until)]
    if gone:
        await session.execute(
            sa.delete(outcome_events).where(outcome_events.c.citizen_id == citizen_id, outcome_events.c.id.in_(gone))
        )
    for row in rows:
        if row.id not in gone and accounting_data(row.data) != row.data:
            await session.execute(
                sa.update(outcome_events)
                .where(outcome_events.c.citizen_id == citizen_id, outcome_events.c.id == row.id)
                .values(data=accounting_data(row.data))
            )
    await session.execute(
        sa.delete(idempotency_keys).where(
            sa.cast(idempotency_keys.c.response_body, sa.Text).contains(str(citizen_id), autoescape=True)
        )
    )
    await session.execute(
        sa.update(refusion_statement_lines)
        .where(refusion_statement_lines.c.citizen_id == citizen_id)
        .values(citizen_id=None)
    )
    await outbox.forget_citizen(session, access_outbox, citizen_id)
