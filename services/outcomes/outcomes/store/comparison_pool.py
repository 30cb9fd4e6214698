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
from outcomes.domain.comparison import BENEFIT_EVENTS, PoolCitizen, PoolRow
from outcomes.domain.events import OutcomeEvent
from servicekit.db import set_tenant

Row = sa.Row[Any]


_CITIZENS_SQL = """
select id, municipality, target_group, birth_year, benefit->>'type', benefit->>'monthly_amount',
       benefit->>'since', erased_at is not null, enrolled_on
from citizens where municipality like $1 and benefit is not null
"""
_EVENTS_SQL = """
select citizen_id, id, type, occurred_on, data->>'type', data->>'monthly_amount', data->>'wage_subsidy',
       supersedes, sequence
from outcome_events where municipality like $1 and type = any($2::text[]) order by sequence
"""
_STARTS_SQL = """
select citizen_id, min(started_on) from enrolments
where municipality like $1 and programme = 'citizen_course' and not deleted and citizen_id is not null
group by citizen_id
"""


async def pool_rows(session: AsyncSession, *, country: str) -> tuple[list[PoolRow], list[PoolCitizen]]:
    """Citizens of `country` with a registry benefit, their benefit events and earliest course enrolment.

    Citizens whose events include a correction come back as PoolCitizens (the domain resolves what is in
    force); the rest as rows without an object per event."""
    prefix = f"{country}-%"
    tenant = (await session.execute(sa.text("select current_setting('app.tenant', true)"))).scalar() or ""
    await set_tenant(session, "*")
    try:
        # Hundreds of thousands of rows: read with the driver directly, the JSON fields taken apart in SQL.
        connection = await (await session.connection()).get_raw_connection()
        driver = connection.driver_connection
        assert driver is not None
        rows = await driver.fetch(_CITIZENS_SQL, prefix)
        events = await driver.fetch(_EVENTS_SQL, prefix, list(BENEFIT_EVENTS))
        starts = await driver.fetch(_STARTS_SQL, prefix)
    finally:
        await set_tenant(session, tenant)
    by_citizen: dict[Any, list[Any]] = defaultdict(list)
    corrected: set[Any] = set()
    for event in events:
        by_citizen[event[0]].append(event)
        if event[7] is not None:
            corrected.add(event[0])
    enrolled_on: dict[Any, date] = {row[0]: row[1] for row in starts}
    plain: list[PoolRow] = []
    others: list[PoolCitizen] = []
    for citizen, municipality, group, birth_year, benefit_type, amount, since, erased, course_day in rows:
        first_course = enrolled_on.get(citizen)
        if course_day is not None and (first_course is None or course_day < first_course):
            first_course = course_day
        own = by_citizen.get(citizen, ())
        since_day = date.fromisoformat(since) if since else None
        if citizen in corrected:
            others.append(
                PoolCitizen(
                    citizen_id=str(citizen),
                    country=country,
                    municipality=municipality,
                    target_group=group,
                    birth_year=birth_year,
                    benefit=Benefit(benefit_type, int(amount or 0)) if benefit_type else None,
                    since=since_day,
                    events=tuple(_event(item) for item in own),
                    course_enrolled_on=first_course,
                    erased=bool(erased),
                )
            )
            continue
        plain.append(
            PoolRow(
                str(citizen), municipality, group, birth_year, benefit_type, int(amount or 0), since_day,
                first_course, bool(erased),
                tuple(
                    (day.toordinal(), sequence, kind, kind_type, int(cost or 0) + int(subsidy or 0))
                    for _, _, kind, day, kind_type, cost, subsidy, _, sequence in own
                ),
            )
        )  # fmt: skip
    return plain, others


def _event(row: Any) -> OutcomeEvent:
    citizen_id, event_id, kind, day, benefit_type, amount, subsidy, supersedes, sequence = row
    values: dict[str, Any] = {}
    if benefit_type is not None:
        values = {"type": benefit_type, "monthly_amount": int(amount or 0), "wage_subsidy": int(subsidy or 0)}
    return OutcomeEvent(event_id, str(citizen_id), kind, day, values, supersedes, sequence)
