"""Facts for the events feed (`/internal/v1/events`, followed by the webhooks service), appended in
the transaction that made them true. Ids and codes only: no amounts per citizen, no personal data."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from outcomes.schemas.settlements import SettlementRead
from outcomes.store.tables import events
from servicekit.events import Event, append_events


async def statement_approved(session: AsyncSession, statement: SettlementRead) -> None:
    """`statement.approved`, and `milestone.reached` once per citizen and contract milestone the
    statement verifies (a later statement showing the same milestone adds nothing)."""
    contract = str(statement.contract_id)
    facts = [
        Event.about(
            "statement.approved",
            str(statement.id),
            municipality=statement.municipality,
            data={
                "statement_id": str(statement.id),
                "contract_id": contract,
                "period_from": statement.period_from.isoformat(),
                "period_to": statement.period_to.isoformat(),
            },
        )
    ]
    facts += [
        Event.about(
            "milestone.reached",
            f"{contract}:{line.citizen_id}:{line.milestone}",
            municipality=statement.municipality,
            data={
                "citizen_id": str(line.citizen_id),
                "contract_id": contract,
                "milestone": line.milestone,
                "reached_on": line.reached_on.isoformat(),
                "statement_id": str(statement.id),
            },
        )
        for line in statement.lines
        if line.kind == "milestone"
    ]
    await append_events(session, events, facts)
