"""SQL for the comparison group's pool (ECONOMICS §7): every citizen of a country, read across municipalities.

The pool spans municipalities (rung `country`), so the read widens row-level security to every tenant for
this one statement set and puts the caller's tenant back before returning. Nothing about a pool citizen
leaves the service: the evaluation reports means over at least `min_comparisons` of them and counts.

Speed: hundreds of thousands of citizens, so one statement applies the pool rule in SQL (same country, a
registry benefit with a `since` no later than the last enrolment day, not erased, no citizen-course
enrolment before `to`) and returns each column as one array (no row objects), with the benefit events of
those citizens as arrays too, grouped by citizen in (day, sequence) order. Citizens with a corrected event
(a `supersedes`) are read again as PoolCitizens, so the domain resolves what is in force.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any

import numpy as np
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from outcomes.domain.benefits import Benefit
from outcomes.domain.comparison import BENEFIT_EVENTS, ENDED, RESUMED, PoolCitizen, PoolColumns
from outcomes.domain.events import OutcomeEvent
from servicekit.db import set_tenant

_POOL_SQL = """
with pool as (
    select c.id, c.municipality, c.target_group, c.birth_year, c.benefit->>'type' as benefit_type,
           coalesce((c.benefit->>'monthly_amount')::bigint, 0) as cost, (c.benefit->>'since')::date as since,
           row_number() over (order by c.id) - 1 as member
    from citizens c
    where c.municipality like $1 and c.benefit is not null and c.erased_at is null
      and c.benefit->>'type' is not null and (c.benefit->>'since')::date <= $3
      and (c.enrolled_on is null or c.enrolled_on >= $2)
      and not exists (
          select 1 from enrolments e
          where e.citizen_id = c.id and e.municipality like $1 and e.programme = 'citizen_course'
            and not e.deleted and e.started_on < $2
      )
), events as (
    select p.member, e.occurred_on, e.sequence, e.type, e.supersedes is not null as corrects,
           case when e.type = 'benefit_ended' then null else e.data->>'type' end as benefit_type,
           case when e.type = 'benefit_ended' then 0
                else coalesce((e.data->>'monthly_amount')::bigint, 0) + coalesce((e.data->>'wage_subsidy')::bigint, 0)
           end as cost
    from outcome_events e join pool p on p.id = e.citizen_id
    where e.municipality like $1 and e.type = any($4::text[])
)
select
    (select array_agg(id::text order by member) from pool),
    (select array_agg(municipality order by member) from pool),
    (select array_agg(target_group order by member) from pool),
    (select array_agg(coalesce(birth_year, -1) order by member) from pool),
    (select array_agg(benefit_type order by member) from pool),
    (select array_agg(cost order by member) from pool),
    (select array_agg(since - date '0001-01-01' + 1 order by member) from pool),
    (select array_agg(member order by member, occurred_on, sequence) from events),
    (select array_agg(occurred_on - date '0001-01-01' + 1 order by member, occurred_on, sequence) from events),
    (select array_agg(type order by member, occurred_on, sequence) from events),
    (select array_agg(benefit_type order by member, occurred_on, sequence) from events),
    (select array_agg(cost order by member, occurred_on, sequence) from events),
    (select array_agg(distinct member) from events where corrects)
"""
_CORRECTED_EVENTS_SQL = """
select citizen_id, id, type, occurred_on, data->>'type', data->>'monthly_amount', data->>'wage_subsidy',
       supersedes, sequence
from outcome_events where municipality like $1 and type = any($2::text[]) and citizen_id = any($3::uuid[])
"""


async def pool_columns(
    session: AsyncSession, *, country: str, to: date, last_day: date
) -> tuple[PoolColumns, list[PoolCitizen]]:
    """The pool candidates of `country` for enrolment days up to `last_day`, in an evaluation ending `to`.

    Citizens whose events include a correction come back as PoolCitizens instead (their rows removed)."""
    prefix = f"{country}-%"
    tenant = (await session.execute(sa.text("select current_setting('app.tenant', true)"))).scalar() or ""
    await set_tenant(session, "*")
    try:
        connection = await (await session.connection()).get_raw_connection()
        driver = connection.driver_connection
        assert driver is not None
        row = await driver.fetchrow(_POOL_SQL, prefix, to, last_day, list(BENEFIT_EVENTS))
        ids, municipality, group, birth, kind, cost, since, member, day, event_kind, event_type, event_cost, fixed = (
            list(value) if value is not None else [] for value in row
        )
        corrected_rows: list[Any] = []
        if fixed:
            citizens = [ids[index] for index in fixed]
            corrected_rows = list(await driver.fetch(_CORRECTED_EVENTS_SQL, prefix, list(BENEFIT_EVENTS), citizens))
    finally:
        await set_tenant(session, tenant)

    def ints(values: list[Any]) -> Any:
        return np.array(values, dtype=np.int64)

    kinds = {"benefit_changed": 0, "benefit_ended": ENDED, "benefit_resumed": RESUMED}
    columns = PoolColumns(
        ids, [country] * len(ids), municipality, group, ints(birth), kind, ints(cost), ints(since),
        ints(member), ints(day), ints([kinds[name] for name in event_kind]), event_type, ints(event_cost),
    )  # fmt: skip
    if not fixed:
        return columns, []
    by_citizen: dict[str, list[OutcomeEvent]] = defaultdict(list)
    for item in corrected_rows:
        by_citizen[str(item[0])].append(_event(item))
    others = [
        PoolCitizen(
            citizen_id=ids[index],
            country=country,
            municipality=municipality[index],
            target_group=group[index],
            birth_year=birth[index] if birth[index] >= 0 else None,
            benefit=Benefit(kind[index], cost[index]),
            since=date.fromordinal(since[index]),
            events=tuple(by_citizen.get(ids[index], ())),
        )
        for index in fixed
    ]
    return columns.without(set(fixed)), others


def _event(row: Any) -> OutcomeEvent:
    citizen_id, event_id, kind, day, benefit_type, amount, subsidy, supersedes, sequence = row
    values: dict[str, Any] = {}
    if benefit_type is not None:
        values = {"type": benefit_type, "monthly_amount": int(amount or 0), "wage_subsidy": int(subsidy or 0)}
    return OutcomeEvent(event_id, str(citizen_id), kind, day, values, supersedes, sequence)
