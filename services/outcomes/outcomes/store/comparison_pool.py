"""SQL for the comparison group's pool (ECONOMICS §7): every citizen of a country, read across municipalities.

The pool spans municipalities (rung `country`), so the read widens row-level security to every tenant for
this one statement set and puts the caller's tenant back before returning. Nothing about a pool citizen
leaves the service: the evaluation reports means over at least `min_comparisons` of them and counts.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from outcomes.domain.benefits import Benefit
from outcomes.domain.comparison import BENEFIT_EVENTS, PoolCitizen
from outcomes.domain.events import OutcomeEvent
from outcomes.store.tables import citizens, enrolments, outcome_events
from servicekit.db import set_tenant

Row = sa.Row[Any]


async def pool_citizens(session: AsyncSession, *, country: str) -> list[PoolCitizen]:
    """Citizens of `country` with a registry benefit, their benefit events and earliest course enrolment."""
    prefix = f"{country}-%"
    tenant = (await session.execute(sa.text("select current_setting('app.tenant', true)"))).scalar() or ""
    benefit = citizens.c.benefit
    data = outcome_events.c.data
    await set_tenant(session, "*")
    try:
        # The JSON fields are taken apart in SQL: decoding 460,000 documents in Python costs seconds.
        rows = (
            await session.execute(
                sa.select(
                    citizens.c.id,
                    citizens.c.municipality,
                    citizens.c.target_group,
                    citizens.c.birth_year,
                    benefit["type"].astext,
                    benefit["monthly_amount"].astext,
                    benefit["since"].astext,
                    citizens.c.erased_at.is_not(None),
                    citizens.c.enrolled_on,
                ).where(citizens.c.municipality.like(prefix), benefit.is_not(None))
            )
        ).all()
        events = (
            await session.execute(
                sa.select(
                    outcome_events.c.citizen_id,
                    outcome_events.c.id,
                    outcome_events.c.type,
                    outcome_events.c.occurred_on,
                    data["type"].astext,
                    data["monthly_amount"].astext,
                    data["wage_subsidy"].astext,
                    outcome_events.c.supersedes,
                    outcome_events.c.sequence,
                )
                .where(outcome_events.c.municipality.like(prefix), outcome_events.c.type.in_(BENEFIT_EVENTS))
                .order_by(outcome_events.c.sequence)
            )
        ).all()
        starts = (
            await session.execute(
                sa.select(enrolments.c.citizen_id, sa.func.min(enrolments.c.started_on))
                .where(
                    enrolments.c.municipality.like(prefix),
                    enrolments.c.programme == "citizen_course",
                    enrolments.c.deleted.is_(False),
                    enrolments.c.citizen_id.is_not(None),
                )
                .group_by(enrolments.c.citizen_id)
            )
        ).all()
    finally:
        await set_tenant(session, tenant)
    by_citizen: dict[str, list[OutcomeEvent]] = defaultdict(list)
    for citizen_id, event_id, kind, day, benefit_type, amount, subsidy, supersedes, sequence in events:
        values: dict[str, Any] = {}
        if benefit_type is not None:
            values = {"type": benefit_type, "monthly_amount": int(amount or 0), "wage_subsidy": int(subsidy or 0)}
        by_citizen[str(citizen_id)].append(
            OutcomeEvent(event_id, str(citizen_id), kind, day, values, supersedes, sequence)
        )
    enrolled_on: dict[str, date] = {str(row[0]): row[1] for row in starts}
    pool = []
    for citizen, municipality, group, birth_year, benefit_type, amount, since, erased, course_day in rows:
        citizen_id = str(citizen)
        first_course = enrolled_on.get(citizen_id)
        if course_day is not None and (first_course is None or course_day < first_course):
            first_course = course_day
        pool.append(
            PoolCitizen(
                citizen_id=citizen_id,
                country=country,
                municipality=municipality,
                target_group=group,
                birth_year=birth_year,
                benefit=Benefit(benefit_type, int(amount or 0)) if benefit_type else None,
                since=date.fromisoformat(since) if since else None,
                events=tuple(by_citizen.get(citizen_id, ())),
                course_enrolled_on=first_course,
                erased=bool(erased),
            )
        )
    return pool
