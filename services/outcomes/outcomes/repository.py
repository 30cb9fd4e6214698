"""Every SQL statement of the outcomes service. Row-level security scopes rows to the request's tenant."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import Insert, insert
from sqlalchemy.ext.asyncio import AsyncSession

from outcomes.models import (
    citizens,
    contracts,
    enrolments,
    feed_cursors,
    municipalities,
    outcome_events,
    partnerships,
    rate_cards,
    settlement_lines,
    settlements,
    simulations,
)
from servicekit.bulk import insert_from_json, rows_parameter

Row = sa.Row[Any]


# Rate cards
async def upsert_rate_card(session: AsyncSession, document: dict[str, Any]) -> None:
    statement = insert(rate_cards).values(
        id=document["id"],
        country=document["country"],
        year=document["year"],
        currency=document["currency"],
        document=document,
    )
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=[rate_cards.c.id],
            set_={"document": statement.excluded.document, "loaded_at": sa.func.now()},
        )
    )


async def list_rate_cards(session: AsyncSession, *, country: str | None = None) -> Sequence[Row]:
    query = sa.select(rate_cards).order_by(rate_cards.c.id)
    if country:
        query = query.where(rate_cards.c.country == country)
    return (await session.execute(query)).all()


async def get_rate_card(session: AsyncSession, card_id: str) -> Row | None:
    return (await session.execute(sa.select(rate_cards).where(rate_cards.c.id == card_id))).first()


# Feed cursor and projection
async def feed_position(session: AsyncSession, consumer: str) -> Row | None:
    query = sa.select(feed_cursors).where(feed_cursors.c.consumer == consumer).with_for_update()
    return (await session.execute(query)).first()


async def save_feed_position(session: AsyncSession, consumer: str, *, cursor: str, position: int, head: int) -> None:
    statement = insert(feed_cursors).values(consumer=consumer, cursor=cursor, position=position, head=head)
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=[feed_cursors.c.consumer],
            set_={"cursor": cursor, "position": position, "head": head, "updated_at": sa.func.now()},
        )
    )


async def upsert_municipality(session: AsyncSession, *, code: str, country: str) -> None:
    statement = insert(municipalities).values(code=code, country=country)
    await session.execute(
        statement.on_conflict_do_update(index_elements=[municipalities.c.code], set_={"country": country})
    )


async def municipality_country(session: AsyncSession, code: str) -> str | None:
    country = await session.scalar(sa.select(municipalities.c.country).where(municipalities.c.code == code))
    return str(country) if country else None


async def get_citizen(session: AsyncSession, citizen_id: uuid.UUID) -> Row | None:
    return (await session.execute(sa.select(citizens).where(citizens.c.id == citizen_id))).first()


async def upsert_citizens(session: AsyncSession, rows: Sequence[dict[str, Any]]) -> None:
    """Upsert citizens ({id, municipality, target_group, benefit}, distinct ids) in one statement.

    No benefit is stored as SQL NULL (not JSON null), so the first benefit that arrives after an
    enrolment still becomes the benefit at enrolment."""
    if rows:
        await session.execute(_CITIZEN_UPSERT, rows_parameter(rows))


def _citizen_upsert() -> Insert:
    statement = insert_from_json(citizens, ("id", "municipality", "target_group", "benefit"))
    return statement.on_conflict_do_update(
        index_elements=[citizens.c.id],
        set_={
            "target_group": statement.excluded.target_group,
            "benefit": statement.excluded.benefit,
            # An enrolment seen before the citizen's benefit: the first benefit seen is the one at enrolment.
            "benefit_at_enrolment": sa.case(
                (
                    citizens.c.enrolled_on.is_not(None),
                    sa.func.coalesce(citizens.c.benefit_at_enrolment, statement.excluded.benefit),
                ),
                else_=citizens.c.benefit_at_enrolment,
            ),
            "updated_at": sa.func.now(),
        },
        where=citizens.c.erased_at.is_(None),
    )


_CITIZEN_UPSERT = _citizen_upsert()


async def erase_citizen(session: AsyncSession, citizen_id: uuid.UUID, municipality: str) -> None:
    """Unlink the person: keep the amounts payments were based on, drop the current benefit and group."""
    statement = insert(citizens).values(id=citizen_id, municipality=municipality, erased_at=sa.func.now())
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=[citizens.c.id],
            set_={"erased_at": sa.func.now(), "benefit": None, "updated_at": sa.func.now()},
        )
    )


async def enrol_citizen(
    session: AsyncSession, *, citizen_id: uuid.UUID, municipality: str, partnership_id: uuid.UUID, started_on: date
) -> None:
    """The first citizen-course enrolment fixes the enrolment day and the benefit at enrolment."""
    existing = await get_citizen(session, citizen_id)
    if existing is None:
        await session.execute(sa.insert(citizens).values(id=citizen_id, municipality=municipality))
        existing = await get_citizen(session, citizen_id)
    assert existing is not None
    if existing.enrolled_on is not None and existing.enrolled_on <= started_on:
        return
    await session.execute(
        sa.update(citizens)
        .where(citizens.c.id == citizen_id)
        .values(
            enrolled_on=started_on,
            partnership_id=partnership_id,
            benefit_at_enrolment=sa.func.coalesce(citizens.c.benefit_at_enrolment, citizens.c.benefit),
        )
    )


async def upsert_enrolment(session: AsyncSession, values: dict[str, Any]) -> None:
    statement = insert(enrolments).values(**values)
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=[enrolments.c.id], set_={k: v for k, v in values.items() if k != "id"}
        )
    )


async def delete_enrolment(session: AsyncSession, enrolment_id: uuid.UUID) -> None:
    await session.execute(sa.update(enrolments).where(enrolments.c.id == enrolment_id).values(deleted=True))


async def upsert_partnership(session: AsyncSession, values: dict[str, Any]) -> None:
    statement = insert(partnerships).values(**values)
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=[partnerships.c.id], set_={k: v for k, v in values.items() if k != "id"}
        )
    )


async def get_partnership(session: AsyncSession, partnership_id: uuid.UUID) -> Row | None:
    return (await session.execute(sa.select(partnerships).where(partnerships.c.id == partnership_id))).first()


async def company_enrolment(
    session: AsyncSession, *, partnership_id: uuid.UUID, organisation_id: uuid.UUID
) -> Row | None:
    query = sa.select(enrolments).where(
        enrolments.c.partnership_id == partnership_id,
        enrolments.c.organisation_id == organisation_id,
        enrolments.c.programme == "company_accelerator",
        enrolments.c.deleted.is_(False),
    )
    return (await session.execute(query.order_by(enrolments.c.started_on).limit(1))).first()


async def enrolled_citizens(
    session: AsyncSession, *, municipality: str | None = None, partnership_id: uuid.UUID | None = None
) -> Sequence[Row]:
    query = sa.select(citizens).where(citizens.c.enrolled_on.is_not(None)).order_by(citizens.c.id)
    if municipality:
        query = query.where(citizens.c.municipality == municipality)
    if partnership_id:
        query = query.where(citizens.c.partnership_id == partnership_id)
    return (await session.execute(query)).all()


async def company_enrolments(
    session: AsyncSession, *, municipality: str | None = None, partnership_id: uuid.UUID | None = None
) -> Sequence[Row]:
    query = sa.select(enrolments).where(
        enrolments.c.programme == "company_accelerator", enrolments.c.deleted.is_(False)
    )
    if municipality:
        query = query.where(enrolments.c.municipality == municipality)
    if partnership_id:
        query = query.where(enrolments.c.partnership_id == partnership_id)
    return (await session.execute(query)).all()


# Outcome events
async def get_event(session: AsyncSession, municipality: str, event_id: str) -> Row | None:
    query = sa.select(outcome_events).where(
        outcome_events.c.municipality == municipality, outcome_events.c.id == event_id
    )
    return (await session.execute(query)).first()


async def insert_event(session: AsyncSession, values: dict[str, Any]) -> Row | None:
    """Insert unless the id exists (a concurrent writer won); returns the new row or None."""
    statement = insert(outcome_events).values(**values).on_conflict_do_nothing().returning(*outcome_events.c)
    return (await session.execute(statement)).first()


async def list_events(
    session: AsyncSession,
    *,
    municipality: str | None = None,
    citizen_id: uuid.UUID | None,
    after_sequence: int | None,
    limit: int,
) -> Sequence[Row]:
    query = sa.select(outcome_events).order_by(outcome_events.c.sequence).limit(limit)
    if municipality:
        query = query.where(outcome_events.c.municipality == municipality)
    if citizen_id:
        query = query.where(outcome_events.c.citizen_id == citizen_id)
    if after_sequence is not None:
        query = query.where(outcome_events.c.sequence > after_sequence)
    return (await session.execute(query)).all()


async def events_of(session: AsyncSession, citizen_ids: Sequence[uuid.UUID]) -> Sequence[Row]:
    if not citizen_ids:
        return []
    query = (
        sa.select(outcome_events)
        .where(outcome_events.c.citizen_id.in_(citizen_ids))
        .order_by(outcome_events.c.sequence)
    )
    return (await session.execute(query)).all()


async def placement_event_citizens(session: AsyncSession, *, after: uuid.UUID | None, limit: int) -> list[uuid.UUID]:
    query = (
        sa.select(outcome_events.c.citizen_id)
        .where(outcome_events.c.type == "placement_started")
        .group_by(outcome_events.c.citizen_id)
        .order_by(outcome_events.c.citizen_id)
        .limit(limit)
    )
    if after is not None:
        query = query.where(outcome_events.c.citizen_id > after)
    return list((await session.scalars(query)).all())


# Contracts
async def insert_contract(session: AsyncSession, values: dict[str, Any]) -> Row:
    row = (await session.execute(sa.insert(contracts).values(**values).returning(*contracts.c))).first()
    assert row is not None
    return row


async def get_contract(session: AsyncSession, contract_id: uuid.UUID) -> Row | None:
    return (await session.execute(sa.select(contracts).where(contracts.c.id == contract_id))).first()


async def list_contracts(
    session: AsyncSession,
    *,
    municipality: str | None = None,
    partnership_id: uuid.UUID | None,
    after: uuid.UUID | None,
    limit: int,
) -> Sequence[Row]:
    query = sa.select(contracts).order_by(contracts.c.id).limit(limit)
    if municipality:
        query = query.where(contracts.c.municipality == municipality)
    if partnership_id:
        query = query.where(contracts.c.partnership_id == partnership_id)
    if after:
        query = query.where(contracts.c.id > after)
    return (await session.execute(query)).all()


async def contracts_for(
    session: AsyncSession, *, municipality: str | None, partnership_id: uuid.UUID | None
) -> Sequence[Row]:
    query = sa.select(contracts)
    if municipality:
        query = query.where(contracts.c.municipality == municipality)
    if partnership_id:
        query = query.where(contracts.c.partnership_id == partnership_id)
    return (await session.execute(query)).all()


# Settlements (the ledger)
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


# Simulations
async def insert_simulation(session: AsyncSession, values: dict[str, Any]) -> Row:
    row = (await session.execute(sa.insert(simulations).values(**values).returning(*simulations.c))).first()
    assert row is not None
    return row


async def get_simulation(session: AsyncSession, simulation_id: uuid.UUID) -> Row | None:
    return (await session.execute(sa.select(simulations).where(simulations.c.id == simulation_id))).first()
