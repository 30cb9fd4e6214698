"""The comparison pool as it was read before the columnar load (issue 15, commit f340210): the baseline that
bench/outcomes.py measures the columnar load against in the same run. Not used by the service.

Rows through asyncpg Records and a Python loop per citizen (PoolRow), then the pool built citizen by citizen.
"""

# ruff: noqa
# mypy: ignore-errors

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from outcomes.domain.benefits import Benefit, benefit_after
from outcomes.domain.comparison import BENEFIT_EVENTS, NEVER, Pool, PoolCitizen, _benefit_events, _Codes, _spells
from outcomes.domain.events import OutcomeEvent
from servicekit.db import set_tenant

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


@dataclass(frozen=True)
class PoolRow:
    """A registry citizen as the store reads it, without objects per event (for pools of 100,000s).

    `events`: (day ordinal, sequence, event type, benefit type or None, monthly cost) of its benefit
    events, none superseded (a citizen with corrections is given as a PoolCitizen instead).
    """

    citizen_id: str
    municipality: str
    target_group: str | None
    birth_year: int | None
    benefit_type: str | None
    monthly_cost: int
    since: date | None
    course_enrolled_on: date | None
    erased: bool
    events: tuple[tuple[int, int, str, str | None, int], ...] = ()


def build_pool_rows(rows: Iterable[PoolRow], others: Iterable[PoolCitizen], country: str, to: date) -> Pool:
    """`build_pool` for store rows (the same rules, read without an object per event) plus any PoolCitizens."""
    builder = _PoolBuilder()
    for row in rows:
        if row.erased or (row.course_enrolled_on is not None and row.course_enrolled_on < to):
            continue
        if row.benefit_type is None or row.since is None:
            continue
        first = row.since.toordinal()
        spells: list[tuple[int, int, str, int, int]] = []
        if not row.events:
            spells.append((first, NEVER, row.benefit_type, row.monthly_cost, first))
        else:
            state: tuple[str, int] | None = (row.benefit_type, row.monthly_cost)
            spell_since, begin, ended = first, first, False
            for day, _, kind, benefit_type, cost in sorted(row.events):
                if state is not None and day > max(begin, first):
                    spells.append((max(begin, first), day, state[0], state[1], spell_since))
                if kind == "benefit_ended":
                    state, ended = None, True
                else:
                    state = (str(benefit_type), cost)
                    if kind == "benefit_resumed" and ended:
                        spell_since, ended = day, False
                begin = day
            if state is not None:
                spells.append((max(begin, first), NEVER, state[0], state[1], spell_since))
        if spells:
            changes = [
                (day, 0, None) if kind == "benefit_ended" else (day, cost, str(benefit_type))
                for day, _, kind, benefit_type, cost in sorted(row.events)
            ]
            builder.add(row.citizen_id, country, row.municipality, row.target_group, row.birth_year, spells, changes)
    for citizen in others:
        if citizen.erased or (citizen.course_enrolled_on is not None and citizen.course_enrolled_on < to):
            continue
        events = _benefit_events(citizen)
        found = [
            (
                spell.start.toordinal(),
                spell.end.toordinal() if spell.end else NEVER,
                spell.benefit.type,
                spell.benefit.monthly_cost,
                spell.since.toordinal(),
            )
            for spell in _spells(citizen, events)
        ]
        if found:
            changes = [
                (event.occurred_on.toordinal(), benefit.monthly_cost, benefit.type)
                if (benefit := benefit_after(event))
                else (event.occurred_on.toordinal(), 0, None)
                for event in events
            ]
            builder.add(
                citizen.citizen_id, citizen.country, citizen.municipality, citizen.target_group, citizen.birth_year,
                found, changes,
            )  # fmt: skip
    return builder.pool()


class _PoolBuilder:
    """Collects spells and members into the Pool arrays."""

    def __init__(self) -> None:
        self.municipalities, self.countries, self.groups, self.types = _Codes(), _Codes(), _Codes(), _Codes()
        self.columns: dict[str, list[int]] = {
            name: []
            for name in ("start", "end", "member", "since", "cost", "type", "muni", "country", "group", "birth")
        }
        self.known: list[bool] = []
        self.changes: list[Sequence[tuple[int, int, str | None]]] = []
        self.ids: list[str] = []

    def add(
        self,
        citizen_id: str,
        country: str,
        municipality: str,
        group: str | None,
        birth_year: int | None,
        spells: list[tuple[int, int, str, int, int]],
        changes: Sequence[tuple[int, int, str | None]],
    ) -> None:
        columns = self.columns
        index = len(self.ids)
        self.ids.append(citizen_id)
        columns["muni"].append(self.municipalities.code((country, municipality)))
        columns["country"].append(self.countries.code(country))
        columns["group"].append(self.groups.code(group))
        columns["birth"].append(birth_year or 0)
        self.known.append(birth_year is not None)
        for first, last, benefit_type, cost, since in spells:
            columns["start"].append(first)
            columns["end"].append(last)
            columns["member"].append(index)
            columns["since"].append(since)
            columns["cost"].append(cost)
            columns["type"].append(self.types.code(benefit_type))
        self.changes.append(changes)

    def pool(self) -> Pool:
        width = max((len(changes) for changes in self.changes), default=0)
        event_days = np.full((len(self.ids), width), NEVER, dtype=np.int64)
        event_costs = np.zeros((len(self.ids), width), dtype=np.int64)
        event_types = np.full((len(self.ids), width), -1, dtype=np.int64)
        for row, changes in enumerate(self.changes):
            for column, (day, amount, benefit_type) in enumerate(changes):
                event_days[row, column] = day
                event_costs[row, column] = amount
                if benefit_type is not None:
                    event_types[row, column] = self.types.code(benefit_type)

        def ints(name: str) -> IntArray:
            return np.array(self.columns[name], dtype=np.int64)

        return Pool(
            municipalities=self.municipalities,
            countries=self.countries,
            groups=self.groups,
            types=self.types,
            start=ints("start"),
            end=ints("end"),
            member=ints("member"),
            since=ints("since"),
            cost=ints("cost"),
            type_code=ints("type"),
            member_municipality=ints("muni"),
            member_country=ints("country"),
            member_group=ints("group"),
            member_birth_year=ints("birth"),
            member_known_age=np.array(self.known, dtype=bool),
            event_days=event_days,
            event_costs=event_costs,
            member_ids=self.ids,
            event_types=event_types,
        )
