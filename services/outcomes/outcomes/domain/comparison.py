"""What the programme caused: net savings against a comparison group (ECONOMICS §7).

For each enrolled citizen with enrolment day D, comparable citizens outside the programme (the pool)
are pseudo-enrolled on D and priced by the same savings engine (§2-3); the mean of their rounded
monthly lines is the citizen's counterfactual line, and net = own line - counterfactual line.

Speed: the pool is turned once into intervals of constant benefit state per citizen (numpy arrays).
For each distinct D the cells of every pool member in force on D are computed vectorised, the ladder
is climbed per enrolled citizen with counts from one sort, and only the pool members of the cells
actually chosen are priced, each once per D, in one call of the vectorised engine. Lines are summed
per chosen cell with exact integer arithmetic; the mean is one integer division per line.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction
from typing import Any

import numpy as np
import numpy.typing as npt

from servicekit.domain_errors import InvalidField

from .benefits import Benefit, benefit_after
from .calendar import Month
from .events import OutcomeEvent, effective_events
from .money import IntArray, divide_half_away_array
from .refusion import RefusionStaircase
from .savings import NEVER, BenefitPath, PathArrays, monthly_savings

RUNGS = ("exact", "without_age", "country")
DEFAULT_MIN_COMPARISONS = 5
BENEFIT_EVENTS = ("benefit_changed", "benefit_ended", "benefit_resumed")
# Spell bands of D - since in days: [0, 182), [182, 365), [365, 730), [730, ∞).
SPELL_BAND_EDGES = np.array([182, 365, 730], dtype=np.int64)
# Age bands of D.year - birth_year: < 30, 30-39, 40-49, >= 50; code 4 = birth year unknown.
AGE_BAND_EDGES = np.array([30, 40, 50], dtype=np.int64)
AGE_UNKNOWN = 4

BoolArray = npt.NDArray[np.bool_]
Pricer = Callable[[PathArrays, Sequence[Month]], tuple[IntArray, IntArray]]
"""Prices paths over months: (gross lines, municipal lines), each (citizens x months), rounded per line."""


def staircase_pricer(staircase: RefusionStaircase) -> Pricer:
    """A pricer with one refusion staircase for every day (one rate card)."""

    def price(arrays: PathArrays, months: Sequence[Month]) -> tuple[IntArray, IntArray]:
        lines = monthly_savings(arrays, months, staircase)
        return lines.gross, lines.municipal

    return price


def spell_band(days_on_support: int) -> int:
    """0: under half a year, 1: under a year, 2: under two years, 3: two years or more."""
    return int(np.searchsorted(SPELL_BAND_EDGES, days_on_support, side="right"))


def age_band(on: date, birth_year: int | None) -> int:
    """0: under 30, 1: 30-39, 2: 40-49, 3: 50 and over (D.year - birth_year); 4: unknown."""
    if birth_year is None:
        return AGE_UNKNOWN
    return int(np.searchsorted(AGE_BAND_EDGES, on.year - birth_year, side="right"))


@dataclass(frozen=True)
class EnrolledCitizen:
    """An enrolled citizen to be matched: D is `path.enrolled_on`, `since` is `path.since`."""

    citizen_id: str
    country: str
    municipality: str
    target_group: str | None
    birth_year: int | None
    benefit_type: str | None
    path: BenefitPath
    municipal_path: BenefitPath | None = None
    """Sweden: the part of `path` the municipality (kommun) pays; its lines are the municipal lines."""


@dataclass(frozen=True)
class PoolCitizen:
    """A registry citizen who may serve as a comparison: registry benefit plus all its benefit events.

    `course_enrolled_on` is the earliest start of a citizen-course enrolment, if any.
    """

    citizen_id: str
    country: str
    municipality: str
    target_group: str | None
    birth_year: int | None
    benefit: Benefit | None
    since: date | None
    events: Sequence[OutcomeEvent] = ()
    course_enrolled_on: date | None = None
    erased: bool = False


@dataclass(frozen=True)
class Spell:
    """A stretch [start, end) of days on which a pool citizen's benefit state is constant."""

    start: date
    end: date | None
    benefit: Benefit
    since: date


def benefit_spells(citizen: PoolCitizen) -> list[Spell]:
    """The days on which a pool citizen is on a benefit, with the benefit and the spell's `since` (§7).

    The registry benefit (from its `since`) as changed by the benefit events in order; the `since` is
    the registry's unless a `benefit_resumed` follows a `benefit_ended`: then the day of that resumption.
    Days before the registry `since` are never in a spell (the rule needs `since` on or before D).
    """
    return _spells(citizen, _benefit_events(citizen))


def _benefit_events(citizen: PoolCitizen) -> list[OutcomeEvent]:
    if not citizen.events:
        return []
    return effective_events(event for event in citizen.events if event.type in BENEFIT_EVENTS)


def _spells(citizen: PoolCitizen, events: list[OutcomeEvent]) -> list[Spell]:
    if citizen.benefit is None or citizen.since is None:
        return []
    registry_since = citizen.since
    if not events:
        return [Spell(registry_since, None, citizen.benefit, registry_since)]
    state: Benefit | None = citizen.benefit
    spell_since, start, ended = registry_since, registry_since, False
    raw: list[tuple[date, date | None, Benefit | None, date]] = []
    for event in events:
        raw.append((start, event.occurred_on, state, spell_since))
        state = benefit_after(event)
        if event.type == "benefit_ended":
            ended = True
        elif event.type == "benefit_resumed" and ended:
            spell_since, ended = event.occurred_on, False
        start = event.occurred_on
    raw.append((start, None, state, spell_since))
    spells: list[Spell] = []
    for first, end, benefit, since in raw:
        first = max(first, registry_since)
        if benefit is not None and (end is None or end > first):
            spells.append(Spell(first, end, benefit, since))
    return spells


class _Codes:
    """Small integer codes for categories, shared by pool and enrolled citizens."""

    def __init__(self) -> None:
        self.codes: dict[object, int] = {}

    def code(self, value: object) -> int:
        return self.codes.setdefault(value, len(self.codes))

    def known(self, value: object) -> int:
        """The code of a value, or -1 if no pool citizen has it (matches nothing)."""
        return self.codes.get(value, -1)


@dataclass
class Pool:
    """The pool as arrays: one row per spell, plus each member's benefit events for pseudo-enrolment."""

    municipalities: _Codes
    countries: _Codes
    groups: _Codes
    types: _Codes
    start: IntArray
    end: IntArray
    member: IntArray
    since: IntArray
    cost: IntArray
    type_code: IntArray
    member_municipality: IntArray
    member_country: IntArray
    member_group: IntArray
    member_birth_year: IntArray
    member_known_age: BoolArray
    event_days: IntArray
    event_costs: IntArray
    member_ids: list[str] = field(default_factory=list)
    event_types: IntArray | None = None
    """Benefit type code in force after each event (-1: ended); parallel to `event_days`."""


def build_pool(citizens: Iterable[PoolCitizen], to: date) -> Pool:
    """Keep citizens with no citizen-course enrolment starting before `to` and not erased (§7 pool)."""
    return build_pool_columns(PoolColumns.empty(), citizens, to)


# Benefit event kinds in PoolColumns.event_kind.
CHANGED, ENDED, RESUMED = 0, 1, 2
_EVENT_KIND = {"benefit_changed": CHANGED, "benefit_ended": ENDED, "benefit_resumed": RESUMED}


@dataclass
class PoolColumns:
    """Pool candidates as columns (one entry per citizen), their benefit events as columns (one per event).

    What the store reads in one statement for pools of 100,000s: citizens already filtered by the pool rule
    (same country, not erased, no citizen-course enrolment before `to`, a registry benefit with a `since`);
    `birth_year` -1 when unknown; days as ordinals. Events are in force (none superseded), grouped by citizen
    (`event_member` ascending) and in order of (day, sequence) within a citizen; `event_type` None when ended,
    `event_cost` the monthly amount plus any wage subsidy (0 when ended).
    """

    citizen_ids: list[str]
    country: list[str]
    municipality: list[str]
    target_group: list[str | None]
    birth_year: IntArray
    benefit_type: list[str]
    cost: IntArray
    since: IntArray
    event_member: IntArray
    event_day: IntArray
    event_kind: IntArray
    event_type: list[str | None]
    event_cost: IntArray

    @classmethod
    def empty(cls) -> PoolColumns:
        nothing = np.zeros(0, dtype=np.int64)
        return cls([], [], [], [], nothing, [], nothing, nothing, nothing, nothing, nothing, [], nothing)

    def without(self, members: set[int]) -> PoolColumns:
        """These columns without the given citizens (by position) and their events, the rest renumbered."""
        keep = np.array([index not in members for index in range(len(self.citizen_ids))], dtype=bool)
        kept_events = keep[self.event_member] if len(self.event_member) else np.zeros(0, dtype=bool)
        number = np.cumsum(keep) - 1

        def pick(values: list[Any], mask: BoolArray) -> list[Any]:
            return [value for value, kept in zip(values, mask.tolist(), strict=True) if kept]

        return PoolColumns(
            pick(self.citizen_ids, keep), pick(self.country, keep), pick(self.municipality, keep),
            pick(self.target_group, keep), self.birth_year[keep], pick(self.benefit_type, keep), self.cost[keep],
            self.since[keep], number[self.event_member[kept_events]], self.event_day[kept_events],
            self.event_kind[kept_events], pick(self.event_type, kept_events), self.event_cost[kept_events],
        )  # fmt: skip

    def extend(self, citizens: Iterable[PoolCitizen], to: date) -> PoolColumns:
        """These columns plus PoolCitizens (the pool rule applied; their events resolved by effective_events)."""
        citizens = list(citizens)
        if not citizens:
            return self
        ids, country, municipality, group, birth, kinds, cost, since = (
            list(self.citizen_ids), list(self.country), list(self.municipality), list(self.target_group),
            self.birth_year.tolist(), list(self.benefit_type), self.cost.tolist(), self.since.tolist(),
        )  # fmt: skip
        member, day, kind, kind_type, kind_cost = (
            self.event_member.tolist(), self.event_day.tolist(), self.event_kind.tolist(), list(self.event_type),
            self.event_cost.tolist(),
        )  # fmt: skip
        for citizen in citizens:
            if citizen.erased or (citizen.course_enrolled_on is not None and citizen.course_enrolled_on < to):
                continue
            if citizen.benefit is None or citizen.since is None:
                continue
            index = len(ids)
            ids.append(citizen.citizen_id)
            country.append(citizen.country)
            municipality.append(citizen.municipality)
            group.append(citizen.target_group)
            birth.append(citizen.birth_year if citizen.birth_year is not None else -1)
            kinds.append(citizen.benefit.type)
            cost.append(citizen.benefit.monthly_cost)
            since.append(citizen.since.toordinal())
            for event in _benefit_events(citizen):
                benefit = benefit_after(event)
                member.append(index)
                day.append(event.occurred_on.toordinal())
                kind.append(_EVENT_KIND[event.type])
                kind_type.append(benefit.type if benefit is not None and event.type != "benefit_ended" else None)
                kind_cost.append(benefit.monthly_cost if benefit is not None and event.type != "benefit_ended" else 0)

        def ints(values: list[int]) -> IntArray:
            return np.array(values, dtype=np.int64)

        return PoolColumns(
            ids, country, municipality, group, ints(birth), kinds, ints(cost), ints(since),
            ints(member), ints(day), ints(kind), kind_type, ints(kind_cost),
        )  # fmt: skip


def _coded(codes: _Codes, values: Iterable[object]) -> IntArray:
    found: IntArray = np.fromiter((codes.code(value) for value in values), dtype=np.int64)
    return found


def build_pool_columns(columns: PoolColumns, others: Iterable[PoolCitizen], to: date) -> Pool:
    """The Pool arrays from columns (and any PoolCitizens, e.g. those with corrected events), vectorised.

    The spells of §7 are found event by event for all citizens at once: a citizen is on its registry
    benefit from `since`; each event closes the current stretch (kept if on a benefit and not empty), an
    end takes the citizen off benefit, a change or resumption puts it on the event's benefit, and a
    resumption after an end starts a new spell (`since` = its day). No day before the registry `since` is
    in a spell. The same rule as `benefit_spells`, one numpy step per event rank instead of a loop per citizen.
    """
    columns = columns.extend(others, to)
    municipalities, countries, groups, types = _Codes(), _Codes(), _Codes(), _Codes()
    count = len(columns.citizen_ids)
    member_municipality = _coded(municipalities, zip(columns.country, columns.municipality, strict=True))
    member_country = _coded(countries, columns.country)
    member_group = _coded(groups, columns.target_group)
    state_type = _coded(types, columns.benefit_type)
    # An end carries no benefit type (-1); the others the type in force from their day.
    event_type = np.full(len(columns.event_type), -1, dtype=np.int64)
    typed = [row for row, value in enumerate(columns.event_type) if value is not None]
    event_type[typed] = _coded(types, (columns.event_type[row] for row in typed))
    first = columns.since
    state_cost = columns.cost.copy()
    on_benefit = np.ones(count, dtype=bool)
    spell_since = first.copy()
    begin = first.copy()
    ended = np.zeros(count, dtype=bool)
    found: list[tuple[IntArray, ...]] = []  # (member, start, end, type, cost, since) per emitted batch

    member = columns.event_member
    events = len(member)
    starts = np.searchsorted(member, np.arange(count), side="left")
    ranks = np.arange(events) - starts[member] if events else np.zeros(0, dtype=np.int64)
    width = int(ranks.max()) + 1 if events else 0
    for rank in range(width):
        at = np.flatnonzero(ranks == rank)
        who = member[at]
        day = columns.event_day[at]
        opened = np.maximum(begin[who], first[who])
        emit = on_benefit[who] & (day > opened)
        found.append(
            (who[emit], opened[emit], day[emit], state_type[who[emit]], state_cost[who[emit]], spell_since[who[emit]])
        )
        kind = columns.event_kind[at]
        is_end = kind == ENDED
        on_benefit[who] = ~is_end
        state_type[who] = np.where(is_end, state_type[who], event_type[at])
        state_cost[who] = np.where(is_end, state_cost[who], columns.event_cost[at])
        restart = (kind == RESUMED) & ended[who]
        spell_since[who] = np.where(restart, day, spell_since[who])
        ended[who] = (ended[who] | is_end) & ~restart
        begin[who] = day
    last = np.flatnonzero(on_benefit)
    found.append(
        (last, np.maximum(begin[last], first[last]), np.full(len(last), NEVER, dtype=np.int64), state_type[last],
         state_cost[last], spell_since[last])
    )  # fmt: skip
    spell_member, spell_start, spell_end, spell_type, spell_cost, spell_since_day = (
        np.concatenate([batch[column] for batch in found]) for column in range(6)
    )
    order = np.lexsort((spell_start, spell_member))
    event_days = np.full((count, width), NEVER, dtype=np.int64)
    event_costs = np.zeros((count, width), dtype=np.int64)
    event_types = np.full((count, width), -1, dtype=np.int64)
    if events:
        event_days[member, ranks] = columns.event_day
        event_costs[member, ranks] = np.where(columns.event_kind == ENDED, 0, columns.event_cost)
        event_types[member, ranks] = event_type
    return Pool(
        municipalities=municipalities,
        countries=countries,
        groups=groups,
        types=types,
        start=spell_start[order],
        end=spell_end[order],
        member=spell_member[order],
        since=spell_since_day[order],
        cost=spell_cost[order],
        type_code=spell_type[order],
        member_municipality=member_municipality,
        member_country=member_country,
        member_group=member_group,
        member_birth_year=np.maximum(columns.birth_year, 0),
        member_known_age=columns.birth_year >= 0,
        event_days=event_days,
        event_costs=event_costs,
        member_ids=list(columns.citizen_ids),
        event_types=event_types,
    )


@dataclass(frozen=True)
class ComparisonResult:
    """Per enrolled citizen (in input order): rung, number of comparisons, own, counterfactual and net lines."""

    months: tuple[Month, ...]
    citizen_ids: tuple[str, ...]
    rung: tuple[str | None, ...]
    comparisons: IntArray
    own_gross: IntArray
    own_municipal: IntArray
    counterfactual_gross: IntArray
    counterfactual_municipal: IntArray

    @property
    def matched(self) -> BoolArray:
        """True where the citizen has a comparison group (a rung)."""
        return self.comparisons > 0

    @property
    def net_gross(self) -> IntArray:
        """Own gross line - counterfactual line; 0 for unmatched citizens (they are reported apart)."""
        net: IntArray = np.where(self.matched[:, None], self.own_gross - self.counterfactual_gross, 0)
        return net

    @property
    def net_municipal(self) -> IntArray:
        """Own municipal line - counterfactual municipal line; 0 for unmatched citizens."""
        net: IntArray = np.where(self.matched[:, None], self.own_municipal - self.counterfactual_municipal, 0)
        return net

    def by_rung(self) -> dict[str, int]:
        """Matched citizens per rung."""
        counts = dict.fromkeys(RUNGS, 0)
        for rung in self.rung:
            if rung is not None:
                counts[rung] += 1
        return counts

    @property
    def unmatched_gross(self) -> int:
        """Gross saving of the unmatched citizens (reported beside the net, never added to it)."""
        return int(self.own_gross[~self.matched].sum())

    @property
    def unmatched_municipal(self) -> int:
        """Municipal saving of the unmatched citizens."""
        return int(self.own_municipal[~self.matched].sum())


def _bands(values: IntArray, edges: IntArray) -> IntArray:
    banded: IntArray = np.searchsorted(edges, values, side="right").astype(np.int64)
    return banded


# 1 January of each year as a day ordinal, to find a day's year and the days an age band changes.
_FIRST_YEAR = 1800
_JAN_FIRST = np.array([date(year, 1, 1).toordinal() for year in range(_FIRST_YEAR, 2201)], dtype=np.int64)


def _year_of(days: IntArray) -> IntArray:
    years: IntArray = np.searchsorted(_JAN_FIRST, days, side="right").astype(np.int64) - 1 + _FIRST_YEAR
    return years


def _jan_first(years: IntArray) -> IntArray:
    first: IntArray = _JAN_FIRST[np.clip(years - _FIRST_YEAR, 0, len(_JAN_FIRST) - 1)]
    return first


@dataclass(frozen=True)
class _Cells:
    """Cell codes (municipality, country, target group, benefit type, spell band, age band) as arrays."""

    municipality: IntArray
    country: IntArray
    group: IntArray
    kind: IntArray
    spell: IntArray
    age: IntArray

    def keys(self, sizes: tuple[int, int]) -> tuple[IntArray, IntArray, IntArray]:
        """Composite integer keys of the cells at the three rungs (exact, without_age, country)."""
        n_group, n_type = sizes
        base = (self.group * n_type + self.kind) * 4 + self.spell
        without_age: IntArray = self.municipality * (n_group * n_type * 4) + base
        exact: IntArray = without_age * 5 + self.age
        country: IntArray = self.country * (n_group * n_type * 4) + base
        return exact, without_age, country


def _pool_cells(pool: Pool, spells: IntArray, days: IntArray) -> _Cells:
    """The cells of these pool spells on these days (D)."""
    members = pool.member[spells]
    age = _bands(_year_of(days) - pool.member_birth_year[members], AGE_BAND_EDGES)
    return _Cells(
        municipality=pool.member_municipality[members],
        country=pool.member_country[members],
        group=pool.member_group[members],
        kind=pool.type_code[spells],
        spell=_bands(days - pool.since[spells], SPELL_BAND_EDGES),
        age=np.where(pool.member_known_age[members], age, AGE_UNKNOWN),
    )


@dataclass(frozen=True)
class _Pieces:
    """Pool spells cut into day ranges [start, end) on which their cell does not change."""

    spell: IntArray
    start: IntArray
    end: IntArray
    keys: tuple[IntArray, IntArray, IntArray]


def _pieces(pool: Pool, low: int, high: int, sizes: tuple[int, int]) -> _Pieces:
    """Cut every spell alive in [low, high) where its spell band or age band changes."""
    spells = np.flatnonzero((pool.start < high) & (pool.end > low))
    start = np.maximum(pool.start[spells], low)
    end = np.minimum(pool.end[spells], high)
    since = pool.since[spells]
    members = pool.member[spells]
    birth = pool.member_birth_year[members]
    known = pool.member_known_age[members]
    cuts = [since + edge for edge in SPELL_BAND_EDGES.tolist()]
    cuts += [np.where(known, _jan_first(birth + edge), start) for edge in AGE_BAND_EDGES.tolist()]
    bounds = np.sort(np.stack([start, *[np.clip(cut, start, end) for cut in cuts], end], axis=1), axis=1)
    firsts, lasts = bounds[:, :-1].ravel(), bounds[:, 1:].ravel()
    owners = np.repeat(spells, bounds.shape[1] - 1)
    keep = firsts < lasts
    firsts, lasts, owners = firsts[keep], lasts[keep], owners[keep]
    return _Pieces(owners, firsts, lasts, _pool_cells(pool, owners, firsts).keys(sizes))


def _alive_sums(
    keys: IntArray, start: IntArray, end: IntArray, values: IntArray | None, query_keys: IntArray, query_days: IntArray,
    low: int, span: int,
) -> IntArray:  # fmt: skip
    """For each query (key, day): the sum of `values` rows over pieces with that key alive on that day.

    A sweep: +value at a piece's start, -value at its end, sorted by (key, day) and summed cumulatively; each
    key's events net to zero, so the running sum at (key, day) is exactly the sum over its alive pieces.
    `values` None counts the alive pieces.
    """
    width = 1 if values is None else values.shape[1]
    if len(keys) == 0 or len(query_keys) == 0:
        return np.zeros((len(query_keys), width), dtype=np.int64)
    composite = np.concatenate([keys * span + (start - low), keys * span + (end - low)])
    order = np.argsort(composite, kind="stable")
    count = len(keys)
    if values is None:
        running = np.cumsum(np.where(order < count, 1, -1))[:, None]
    else:
        running = np.cumsum(values[order % count] * np.where(order < count, 1, -1)[:, None], axis=0)
    position = np.searchsorted(composite[order], query_keys * span + (query_days - low), side="right") - 1
    sums: IntArray = np.where((position >= 0)[:, None], running[np.maximum(position, 0)], 0)
    return sums


def compare(
    enrolled: Sequence[EnrolledCitizen],
    pool: Pool,
    months: Sequence[Month],
    price: Pricer,
    *,
    min_comparisons: int = DEFAULT_MIN_COMPARISONS,
    municipal_pays: Callable[[str], bool] | None = None,
) -> ComparisonResult:
    """Match every enrolled citizen on the ladder and compute own, counterfactual and net lines (§7).

    Pseudo-enrolled on any day D of one of its spells, a pool citizen has the same benefit on D, the
    same `since` and the same later events, so its lines for every month after D's month are the same
    whatever D is: each spell is priced once (from its first day). The month of D itself is priced per
    (spell, D), and only for spells whose benefit changes later in that month (otherwise baseline =
    actual and the line is 0). A spell with no later event has lines of 0 throughout.
    """
    if min_comparisons < 1:
        raise InvalidField("min_comparisons", "min_comparisons must be at least 1")
    count, width = len(enrolled), len(months)
    months = tuple(months)
    if count and width:
        own_gross, own_municipal = price(PathArrays.from_paths([citizen.path for citizen in enrolled]), months)
        if municipal_pays is not None:
            municipal_paths = [citizen.municipal_path or citizen.path for citizen in enrolled]
            _, own_municipal = price(PathArrays.from_paths(municipal_paths), months)
    else:
        own_gross = own_municipal = np.zeros((count, width), dtype=np.int64)
    cf_gross = np.zeros((count, width), dtype=np.int64)
    cf_municipal = np.zeros((count, width), dtype=np.int64)
    comparisons = np.zeros(count, dtype=np.int64)
    rungs: list[str | None] = [None] * count
    rows = [row for row, citizen in enumerate(enrolled) if citizen.benefit_type is not None and citizen.path.since]
    if rows and width and len(pool.start):
        lines = (cf_gross, cf_municipal, comparisons)
        priced = _pool_pricer(pool, price, municipal_pays)
        _match(enrolled, np.array(rows, dtype=np.int64), pool, months, priced, min_comparisons, lines, rungs)
    return ComparisonResult(
        months=months,
        citizen_ids=tuple(citizen.citizen_id for citizen in enrolled),
        rung=tuple(rungs),
        comparisons=comparisons,
        own_gross=own_gross,
        own_municipal=own_municipal,
        counterfactual_gross=cf_gross,
        counterfactual_municipal=cf_municipal,
    )


def _enrolled_cells(
    enrolled: Sequence[EnrolledCitizen], rows: IntArray, pool: Pool
) -> tuple[IntArray, _Cells, BoolArray]:
    """Enrolment days, cells (in the pool's codes) and whether each citizen can be matched at all."""
    values: list[list[int]] = [[] for _ in range(7)]
    for row in rows.tolist():
        citizen = enrolled[row]
        on, since = citizen.path.enrolled_on, citizen.path.since
        assert since is not None
        for column, value in enumerate(
            (
                on.toordinal(),
                pool.municipalities.known((citizen.country, citizen.municipality)),
                pool.countries.known(citizen.country),
                pool.groups.known(citizen.target_group),
                pool.types.known(citizen.benefit_type),
                spell_band((on - since).days),
                age_band(on, citizen.birth_year),
            )
        ):
            values[column].append(value)
    days, muni, country, group, kind, spell, age = (np.array(column, dtype=np.int64) for column in values)
    known = (country >= 0) & (group >= 0) & (kind >= 0)
    return days, _Cells(muni, country, group, kind, spell, age), known


def _match(
    enrolled: Sequence[EnrolledCitizen],
    rows: IntArray,
    pool: Pool,
    months: tuple[Month, ...],
    price: _PoolPricer,
    min_comparisons: int,
    out: tuple[IntArray, IntArray, IntArray],
    rungs: list[str | None],
) -> None:
    cf_gross, cf_municipal, comparisons = out
    sizes = (max(len(pool.groups.codes), 1), max(len(pool.types.codes), 1))
    days, cells, known = _enrolled_cells(enrolled, rows, pool)
    enrolled_keys = cells.keys(sizes)
    allowed = (
        known & (cells.municipality >= 0) & (cells.age != AGE_UNKNOWN),
        known & (cells.municipality >= 0),
        known,
    )
    low, high = int(days.min()), int(days.max()) + 1
    span = high - low + 1
    pieces = _pieces(pool, low, high, sizes)
    chosen = np.full(len(rows), -1, dtype=np.int64)
    number = np.zeros(len(rows), dtype=np.int64)
    for rung in range(len(RUNGS) - 1, -1, -1):
        # From the bottom up, so that the highest rung with enough comparisons wins.
        found = _alive_sums(pieces.keys[rung], pieces.start, pieces.end, None, enrolled_keys[rung], days, low, span)[
            :, 0
        ]
        enough = allowed[rung] & (found >= min_comparisons)
        chosen = np.where(enough, rung, chosen)
        number = np.where(enough, found, number)
    if not (chosen >= 0).any():
        return
    # Lines for the months after D's month: one pricing per spell with a later event, from its first day.
    finite = pool.end[pieces.spell] != NEVER
    wanted = [finite & np.isin(pieces.keys[rung], enrolled_keys[rung][chosen == rung]) for rung in range(len(RUNGS))]
    needed_spells = np.unique(np.concatenate([pieces.spell[mask] for mask in wanted]))
    month_first = np.array([month.first_day.toordinal() for month in months], dtype=np.int64)
    enrolment_column = np.searchsorted(month_first, days, side="right") - 1
    later = np.arange(len(months))[None, :] > enrolment_column[:, None]
    sums = np.zeros((len(rows), 2 * len(months)), dtype=np.int64)
    if len(needed_spells):
        gross, municipal = price(needed_spells, pool.start[needed_spells], months)
        lines = np.concatenate([gross, municipal], axis=1)
        for rung in range(len(RUNGS)):
            targets = np.flatnonzero(chosen == rung)
            mask = wanted[rung]
            if not len(targets) or not mask.any():
                continue
            values = lines[np.searchsorted(needed_spells, pieces.spell[mask])]
            sums[targets] = _alive_sums(
                pieces.keys[rung][mask], pieces.start[mask], pieces.end[mask], values,
                enrolled_keys[rung][targets], days[targets], low, span,
            )  # fmt: skip
        sums = np.where(np.concatenate([later, later], axis=1), sums, 0)
    _add_enrolment_months(pool, months, price, days, enrolment_column, chosen, enrolled_keys, sizes, sums)
    matched = np.flatnonzero(chosen >= 0)
    divisor = np.broadcast_to(number[matched][:, None], (len(matched), len(months)))
    targets = rows[matched]
    # Counterfactual line = mean of the comparisons' rounded lines, rounded half away from zero.
    cf_gross[targets] = divide_half_away_array(sums[matched, : len(months)], divisor)
    cf_municipal[targets] = divide_half_away_array(sums[matched, len(months) :], divisor)
    comparisons[targets] = number[matched]
    for target, rung in zip(targets.tolist(), chosen[matched].tolist(), strict=True):
        rungs[target] = RUNGS[rung]


def _add_enrolment_months(
    pool: Pool,
    months: tuple[Month, ...],
    price: _PoolPricer,
    days: IntArray,
    enrolment_column: IntArray,
    chosen: IntArray,
    enrolled_keys: tuple[IntArray, IntArray, IntArray],
    sizes: tuple[int, int],
    sums: IntArray,
) -> None:
    """Add the lines of D's own month: only spells whose benefit changes after D within that month count."""
    width = len(months)
    month_end = np.array([month.end.toordinal() for month in months], dtype=np.int64)
    changing = np.flatnonzero(pool.end != NEVER)
    changing = changing[np.argsort(pool.end[changing], kind="stable")]
    ends = pool.end[changing]
    for day in np.unique(days[(chosen >= 0) & (enrolment_column >= 0)]).tolist():
        queries = np.flatnonzero((days == day) & (chosen >= 0))
        column = int(enrolment_column[queries[0]])
        # Spells alive on D whose benefit changes later in D's month.
        window = changing[np.searchsorted(ends, day, side="right") : np.searchsorted(ends, month_end[column])]
        spells = window[pool.start[window] <= day]
        if not len(spells):
            continue
        keys = _pool_cells(pool, spells, np.full(len(spells), day, dtype=np.int64)).keys(sizes)
        relevant = np.zeros(len(spells), dtype=bool)
        for rung in range(len(RUNGS)):
            relevant |= np.isin(keys[rung], enrolled_keys[rung][queries[chosen[queries] == rung]])
        spells = spells[relevant]
        keys = (keys[0][relevant], keys[1][relevant], keys[2][relevant])
        if not len(spells):
            continue
        gross, municipal = price(spells, np.full(len(spells), day, dtype=np.int64), months[column : column + 1])
        for query in queries.tolist():
            rung = int(chosen[query])
            hit = keys[rung] == enrolled_keys[rung][query]
            sums[query, column] += int(gross[hit, 0].sum())
            sums[query, width + column] += int(municipal[hit, 0].sum())


_PoolPricer = Callable[[IntArray, IntArray, Sequence[Month]], tuple[IntArray, IntArray]]
"""Prices pool spells pseudo-enrolled on days over months: (gross lines, municipal lines)."""


def _pool_pricer(pool: Pool, price: Pricer, municipal_pays: Callable[[str], bool] | None) -> _PoolPricer:
    """Price pseudo-enrolled spells; with `municipal_pays`, the municipal lines from the municipality's part."""
    if municipal_pays is None:
        return lambda spells, days, months: price(_pseudo_enrolled(pool, spells, days), months)
    names = sorted(pool.types.codes, key=pool.types.codes.__getitem__)
    kept = np.array([municipal_pays(str(name)) for name in names] + [False], dtype=np.int64)

    def priced(spells: IntArray, days: IntArray, months: Sequence[Month]) -> tuple[IntArray, IntArray]:
        gross, _ = price(_pseudo_enrolled(pool, spells, days), months)
        _, municipal = price(_pseudo_enrolled(pool, spells, days, kept), months)
        return gross, municipal

    return priced


def _pseudo_enrolled(pool: Pool, spells: IntArray, days: IntArray, kept: IntArray | None = None) -> PathArrays:
    """The pool members of these spells as if enrolled on `days`: benefit on D, events after D as changes.

    `kept` (1/0 per benefit type code, last entry for "no benefit"): only the costs of those types count."""
    members = pool.member[spells]
    event_days = pool.event_days[members]
    event_costs = pool.event_costs[members]
    baseline = pool.cost[spells]
    if kept is not None:
        assert pool.event_types is not None
        event_costs = event_costs * kept[pool.event_types[members]]
        baseline = baseline * kept[pool.type_code[spells]]
    if event_days.shape[1]:
        # Drop each row's events on or before D (a sorted prefix) by shifting the rest to the front.
        shift = (event_days <= days[:, None]).sum(axis=1)
        columns = np.arange(event_days.shape[1])[None, :] + shift[:, None]
        inside = columns < event_days.shape[1]
        columns = np.minimum(columns, event_days.shape[1] - 1)
        event_days = np.where(inside, np.take_along_axis(event_days, columns, axis=1), NEVER)
        event_costs = np.where(inside, np.take_along_axis(event_costs, columns, axis=1), 0)
        keep = int((event_days != NEVER).sum(axis=1).max()) if len(event_days) else 0
        event_days, event_costs = event_days[:, :keep], event_costs[:, :keep]
    count = len(spells)
    return PathArrays(
        enrolled=days.astype(np.int64),
        since=pool.since[spells].copy(),
        baseline_cost=baseline.copy(),
        change_days=np.ascontiguousarray(event_days),
        change_costs=np.ascontiguousarray(event_costs),
        exit_rates=(Fraction(0),) * count,
    )
