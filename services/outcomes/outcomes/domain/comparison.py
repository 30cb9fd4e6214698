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
    return build_pool_rows((), citizens, "", to)


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
