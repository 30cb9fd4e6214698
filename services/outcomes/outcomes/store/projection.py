"""SQL for the registry projection: municipalities, citizens, enrolments, partnerships (RLS scopes rows)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import Insert, insert
from sqlalchemy.ext.asyncio import AsyncSession

from outcomes.domain.benefits import Benefit
from outcomes.domain.entitlements import CitizenFacts
from outcomes.domain.events import OutcomeEvent
from outcomes.store.tables import (
    citizens,
    enrolments,
    municipalities,
    organisations,
    partnerships,
)
from servicekit.bulk import insert_from_json, rows_parameter

Row = sa.Row[Any]


def benefit_of(document: dict[str, Any] | None) -> tuple[Benefit | None, date | None]:
    """The registry's benefit {type, monthly_amount, since} as a Benefit and its spell start."""
    if not document or not document.get("type"):
        return None, None
    since = date.fromisoformat(document["since"]) if document.get("since") else None
    return Benefit(str(document["type"]), int(document.get("monthly_amount") or 0)), since


def citizen_facts(citizen: Row, events: Sequence[OutcomeEvent]) -> CitizenFacts | None:
    """A projected citizen and their events as domain facts; only enrolled citizens are accounted for."""
    if citizen.enrolled_on is None:
        return None
    benefit, since = benefit_of(citizen.benefit_at_enrolment)
    return CitizenFacts(
        citizen_id=str(citizen.id),
        target_group=citizen.target_group or "other",
        enrolled_on=citizen.enrolled_on,
        since=since,
        benefit_at_enrolment=benefit,
        events=tuple(events),
    )


async def upsert_municipality(
    session: AsyncSession, *, code: str, country: str, name: str | None, bank_account: dict[str, Any] | None
) -> None:
    values = {"country": country, "name": name, "bank_account": bank_account}
    statement = insert(municipalities).values(code=code, **values)
    await session.execute(statement.on_conflict_do_update(index_elements=[municipalities.c.code], set_=values))


async def _upsert_by_id(session: AsyncSession, table: sa.Table, values: dict[str, Any]) -> None:
    """Insert the row, or overwrite every given column of the row with its id: the feed's latest word."""
    statement = insert(table).values(**values)
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=[table.c.id], set_={k: v for k, v in values.items() if k != "id"}
        )
    )


async def get_municipality(session: AsyncSession, code: str) -> Row | None:
    return (await session.execute(sa.select(municipalities).where(municipalities.c.code == code))).first()


async def upsert_organisation(session: AsyncSession, values: dict[str, Any]) -> None:
    await _upsert_by_id(session, organisations, values)


async def delete_organisation(session: AsyncSession, organisation_id: uuid.UUID) -> None:
    await session.execute(sa.update(organisations).where(organisations.c.id == organisation_id).values(deleted=True))


async def get_organisation(session: AsyncSession, organisation_id: uuid.UUID) -> Row | None:
    query = sa.select(organisations).where(organisations.c.id == organisation_id, organisations.c.deleted.is_(False))
    return (await session.execute(query)).first()


async def get_citizen(session: AsyncSession, citizen_id: uuid.UUID) -> Row | None:
    return (await session.execute(sa.select(citizens).where(citizens.c.id == citizen_id))).first()


async def upsert_citizens(session: AsyncSession, rows: Sequence[dict[str, Any]]) -> None:
    """Upsert citizens ({id, municipality, target_group, birth_year, benefit}, distinct ids) in one statement.

    No benefit is stored as SQL NULL (not JSON null), so the first benefit that arrives after an
    enrolment still becomes the benefit at enrolment."""
    if rows:
        await session.execute(_CITIZEN_UPSERT, rows_parameter(rows))


def _citizen_upsert() -> Insert:
    statement = insert_from_json(citizens, ("id", "municipality", "target_group", "birth_year", "benefit"))
    return statement.on_conflict_do_update(
        index_elements=[citizens.c.id],
        set_={
            "target_group": statement.excluded.target_group,
            "birth_year": statement.excluded.birth_year,
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
    await _upsert_by_id(session, enrolments, values)


async def delete_enrolment(session: AsyncSession, enrolment_id: uuid.UUID) -> None:
    await session.execute(sa.update(enrolments).where(enrolments.c.id == enrolment_id).values(deleted=True))


async def upsert_partnership(session: AsyncSession, values: dict[str, Any]) -> None:
    await _upsert_by_id(session, partnerships, values)


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


async def citizens_by_ids(session: AsyncSession, citizen_ids: Sequence[uuid.UUID]) -> Sequence[Row]:
    """Projected citizens by id (row-level security keeps them to the caller's municipality)."""
    if not citizen_ids:
        return []
    return (await session.execute(sa.select(citizens).where(citizens.c.id.in_(list(citizen_ids))))).all()
