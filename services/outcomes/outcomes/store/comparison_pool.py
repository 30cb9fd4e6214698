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

from outcomes.domain.comparison import BENEFIT_EVENTS, PoolCitizen
from outcomes.store.outcome_events import event_of
from outcomes.store.projection import benefit_of
from outcomes.store.tables import citizens, enrolments, outcome_events
from servicekit.db import set_tenant

Row = sa.Row[Any]


async def pool_citizens(session: AsyncSession, *, country: str) -> list[PoolCitizen]:
    """Citizens of `country` with a registry benefit, their benefit events and earliest course enrolment."""
    prefix = f"{country}-%"
    tenant = (await session.execute(sa.text("select current_setting('app.tenant', true)"))).scalar() or ""
    await set_tenant(session, "*")
    try:
        rows = (
            await session.execute(
                sa.select(
                    citizens.c.id,
                    citizens.c.municipality,
                    citizens.c.target_group,
                    citizens.c.birth_year,
                    citizens.c.benefit,
                    citizens.c.erased_at,
                ).where(citizens.c.municipality.like(prefix), citizens.c.benefit.is_not(None))
            )
        ).all()
        events = (
            await session.execute(
                sa.select(outcome_events)
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
    by_citizen: dict[str, list[Any]] = defaultdict(list)
    for row in events:
        by_citizen[str(row.citizen_id)].append(event_of(row))
    enrolled_on: dict[str, date] = {str(row[0]): row[1] for row in starts}
    pool = []
    for row in rows:
        benefit, since = benefit_of(row.benefit)
        citizen_id = str(row.id)
        pool.append(
            PoolCitizen(
                citizen_id=citizen_id,
                country=country,
                municipality=row.municipality,
                target_group=row.target_group,
                birth_year=row.birth_year,
                benefit=benefit,
                since=since,
                events=tuple(by_citizen.get(citizen_id, ())),
                course_enrolled_on=enrolled_on.get(citizen_id),
                erased=row.erased_at is not None,
            )
        )
    return pool
