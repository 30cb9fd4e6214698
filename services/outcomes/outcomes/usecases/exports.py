"""What outcomes holds about a citizen, for the registry's export (GDPR art. 15/20)."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from outcomes.domain.calendar import Month, months_between
from outcomes.schemas.exports import EnrolmentHeld, OutcomesExport, PaymentHeld, SavingsLineHeld
from outcomes.store import outcome_events, projection, settlements
from outcomes.store.access_outbox import record_access
from outcomes.store.settlements import Row
from outcomes.usecases import net_evaluations
from outcomes.usecases.facts import facts_by_citizen
from outcomes.usecases.rate_cards import rate_card
from servicekit.access_log import Actor


async def export_citizen(
    session: AsyncSession, citizen_id: uuid.UUID, actor: Actor, *, default_rate_cards: Mapping[str, str], today: date
) -> OutcomesExport:
    """The projection, the events, the monthly savings lines (each day with its card) and the payments based on
    the citizen; empty lists when outcomes holds nothing. The export itself is an access-log entry."""
    citizen = await projection.get_citizen(session, citizen_id)
    events = [outcome_events.event_read(row) for row in await outcome_events.events_of(session, [citizen_id])]
    payments = [_payment(row) for row in await settlements.lines_naming(session, citizen_id)]
    enrolments: list[EnrolmentHeld] = []
    lines: list[SavingsLineHeld] = []
    if citizen is not None:
        enrolments.append(
            EnrolmentHeld(
                municipality=citizen.municipality,
                partnership_id=citizen.partnership_id,
                enrolled_on=citizen.enrolled_on,
                target_group=citizen.target_group,
                birth_year=citizen.birth_year,
                benefit_at_enrolment=citizen.benefit_at_enrolment,
                benefit=citizen.benefit,
                erased=citizen.erased_at is not None,
            )
        )
        lines = await _savings_lines(session, citizen, default_rate_cards, today)
    if citizen is not None or events or payments:
        await record_access(session, [str(citizen_id)], "export", actor=actor)
    return OutcomesExport(
        citizen_id=citizen_id, enrolments=enrolments, outcome_events=events, savings_lines=lines, payments=payments
    )


async def _savings_lines(
    session: AsyncSession, citizen: Row, default_rate_cards: Mapping[str, str], today: date
) -> list[SavingsLineHeld]:
    """Monthly lines from the enrolment month to this month, as an evaluation prices them."""
    facts = await facts_by_citizen(session, [citizen])
    if not facts:
        return []
    card = await rate_card(session, default_rate_cards.get(citizen.municipality[:2], "DK-2025"))
    start, end = Month.of(facts[0].enrolled_on).first_day, Month.of(today).next().first_day
    months = months_between(start, end)
    if not months:
        return []
    prices = await net_evaluations.pricing(session, card.country, start, end, card)
    computed = net_evaluations.citizen_lines(facts, months, card, prices)
    return [
        SavingsLineHeld(
            month=f"{month.year:04d}-{month.month:02d}",
            baseline=int(computed.baseline[0, column]),
            actual=int(computed.actual[0, column]),
            gross_saving=int(computed.gross[0, column]),
            municipal_saving=int(computed.municipal[0, column]),
            state_saving=int(computed.state[0, column]),
            rate_card_ids=prices.card_ids_between(month.first_day, month.end),
        )
        for column, month in enumerate(months)
    ]


def _payment(row: Row) -> PaymentHeld:
    """A ledger line under its statement's id, status and period (the line's own `period_from` is not shown)."""
    statement = {"statement_id": row.settlement_id, "period_from": row.statement_from, "period_to": row.statement_to}
    return PaymentHeld.model_validate({**row._mapping, **statement})
