"""SQL for the comparison group's pool (ECONOMICS §7): every citizen of a country, read across municipalities.

The pool spans municipalities (rung `country`), so the read widens row-level security to every tenant for
this one statement set and puts the caller's tenant back before returning. Nothing about a pool citizen
leaves the service: the evaluation reports means over at least `min_comparisons` of them and counts.

Speed: hundreds of thousands of citizens, so one statement applies the pool rule in SQL (same country, a
registry benefit with a `since` no later than the last enrolment day, not erased, no citizen-course
enrolment before `to`) and returns each column as one array (no row objects, no sort); a second returns
the country's benefit events as arrays, which numpy groups by citizen in (day, sequence) order. Citizens
with a corrected event (a `supersedes`) are read again as PoolCitizens, so the domain resolves what is in
force.
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

# One pass each: every column of one aggregate gets the rows in the same order, so no sort is needed.
_CITIZENS_SQL = """
select array_agg(c.id::text), array_agg(c.municipality), array_agg(c.target_group),
       array_agg(coalesce(c.birth_year, -1)), array_agg(c.benefit->>'type'),
       array_agg(coalesce((c.benefit->>'monthly_amount')::bigint, 0)),
       array_agg((c.benefit->>'since')::date - date '0001-01-01' + 1)
from citizens c
where c.municipality like $1 and c.benefit is not null and c.erased_at is null
  and c.benefit->>'type' is not null and (c.benefit->>'since')::date <= $3
  and (c.enrolled_on is null or c.enrolled_on >= $2)
  and not exists (
      select 1 from enrolments e
      where e.citizen_id = c.id and e.municipality like $1 and e.programme = 'citizen_course'
        and not e.deleted and e.started_on < $2
  )
"""
# The country's benefit events (those of citizens outside the pool are dropped in Python, by id).
_EVENTS_SQL = """
select array_agg(citizen_id::text), array_agg(occurred_on - date '0001-01-01' + 1), array_agg(sequence),
       -- kinds: $3 ENDED, $4 RESUMED, 0 CHANGED
       array_agg(case type when 'benefit_ended' then $3::int when 'benefit_resumed' then $4::int else 0 end),
       array_agg(case when type = 'benefit_ended' then null else data->>'type' end),
       array_agg(case when type = 'benefit_ended' then 0
                      else coalesce((data->>'monthly_amount')::bigint, 0) + coalesce((data->>'wage_subsidy')::bigint, 0)
                 end),
       array_agg(supersedes is not null)
from outcome_events where municipality like $1 and type = any($2::text[])
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
        citizens = await driver.fetchrow(_CITIZENS_SQL, prefix, to, last_day)
        events = await driver.fetchrow(_EVENTS_SQL, prefix, list(BENEFIT_EVENTS), ENDED, RESUMED)
        ids, municipality, group, birth, kind, cost, since = (list(value or ()) for value in citizens)
        owner, day, sequence, event_kind, event_type, event_cost, corrects = (list(value or ()) for value in events)
        position = {citizen_id: index for index, citizen_id in enumerate(ids)}
        member = np.fromiter((position.get(citizen_id, -1) for citizen_id in owner), dtype=np.int64, count=len(owner))
        fixed = sorted({int(member[row]) for row, flag in enumerate(corrects) if flag and member[row] >= 0})
        corrected_rows: list[Any] = []
        if fixed:
            corrected_rows = list(
                await driver.fetch(_CORRECTED_EVENTS_SQL, prefix, list(BENEFIT_EVENTS), [ids[index] for index in fixed])
            )
    finally:
        await set_tenant(session, tenant)

    def ints(values: Any) -> Any:
        return np.asarray(values, dtype=np.int64)

    # Events of pool citizens only, grouped by citizen in (day, sequence) order.
    days, sequences = ints(day), ints(sequence)
    inside = np.flatnonzero(member >= 0)
    order = inside[np.lexsort((sequences[inside], days[inside], member[inside]))]
    picked = order.tolist()
    columns = PoolColumns(
        ids, [country] * len(ids), municipality, group, ints(birth), kind, ints(cost), ints(since),
        member[order], days[order], ints(event_kind)[order],
        [event_type[row] for row in picked], ints(event_cost)[order],
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
