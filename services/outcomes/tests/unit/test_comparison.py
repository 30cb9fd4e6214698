"""ECONOMICS §7 by hand: pool, spell start, cells, ladder, pseudo-enrolment, counterfactual and net, to the øre.

Staircase: 80 % weeks 1-4, 40 % weeks 5-26, 30 % weeks 27-52, 20 % from week 53 (municipality keeps
20 / 60 / 70 / 80 %). Months March, April, May 2024 (31, 30, 31 days). Every enrolled citizen is
enrolled on D = 1 March 2024, so March is a full month for everyone.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from fractions import Fraction

import pytest

from outcomes.domain.benefits import Benefit, benefit_path
from outcomes.domain.calendar import Month, months_between
from outcomes.domain.comparison import (
    EnrolledCitizen,
    PoolCitizen,
    age_band,
    benefit_spells,
    build_pool,
    compare,
    spell_band,
    staircase_pricer,
)
from outcomes.domain.events import OutcomeEvent, effective_events
from outcomes.domain.money import round_ore
from outcomes.domain.refusion import RefusionStaircase
from outcomes.domain.savings import NEVER, monthly_savings
from servicekit.domain_errors import InvalidField

KH = "kontanthjaelp_30plus"
RATE = 1_232_600  # 12,326 kr. a month
D = date(2024, 3, 1)
TO = date(2024, 6, 1)
MONTHS = months_between(D, TO)


def ended(citizen: str, on: date, n: int = 1) -> OutcomeEvent:
    return OutcomeEvent(f"{citizen}-e{n}", citizen, "benefit_ended", on, sequence=n)


def resumed(citizen: str, on: date, amount: int = RATE, n: int = 2) -> OutcomeEvent:
    return OutcomeEvent(
        f"{citizen}-r{n}", citizen, "benefit_resumed", on, {"type": KH, "monthly_amount": amount}, sequence=n
    )


def changed(citizen: str, on: date, amount: int, kind: str = KH, n: int = 1) -> OutcomeEvent:
    return OutcomeEvent(
        f"{citizen}-c{n}", citizen, "benefit_changed", on, {"type": kind, "monthly_amount": amount}, sequence=n
    )


def pool_citizen(
    citizen_id: str,
    *,
    municipality: str = "0101",
    country: str = "DK",
    group: str = "cash_benefit",
    birth_year: int = 1980,
    benefit: Benefit | None = Benefit(KH, RATE),
    since: date | None = date(2024, 1, 1),
    events: tuple[OutcomeEvent, ...] = (),
    course_enrolled_on: date | None = None,
    erased: bool = False,
) -> PoolCitizen:
    return PoolCitizen(
        citizen_id, country, municipality, group, birth_year, benefit, since, events, course_enrolled_on, erased
    )


def enrolled_citizen(
    citizen_id: str,
    *,
    municipality: str = "0101",
    birth_year: int = 1980,
    benefit: Benefit = Benefit(KH, RATE),
    since: date = date(2024, 1, 1),
    events: tuple[OutcomeEvent, ...] = (),
) -> EnrolledCitizen:
    path = benefit_path(enrolled_on=D, since=since, at_enrolment=benefit, events=events)
    return EnrolledCitizen(citizen_id, "DK", municipality, "cash_benefit", birth_year, benefit.type, path)


def test_bands() -> None:
    assert [spell_band(days) for days in (0, 181, 182, 364, 365, 729, 730, 5000)] == [0, 0, 1, 1, 2, 2, 3, 3]
    assert [age_band(D, year) for year in (1995, 1994, 1985, 1984, 1975, 1974, None)] == [0, 1, 1, 2, 2, 3, 4]


def test_spell_start_is_the_resumption_after_an_end() -> None:
    citizen = pool_citizen(
        "R", since=date(2022, 1, 1), events=(ended("R", date(2023, 6, 1)), resumed("R", date(2024, 2, 1)))
    )
    spells = benefit_spells(citizen)
    assert [(spell.start, spell.end, spell.since) for spell in spells] == [
        (date(2022, 1, 1), date(2023, 6, 1), date(2022, 1, 1)),
        (date(2024, 2, 1), None, date(2024, 2, 1)),
    ]
    # A resumption with no end before it changes the benefit, not the spell start.
    plain = benefit_spells(pool_citizen("S", events=(resumed("S", date(2024, 2, 1), 999),)))
    assert [spell.since for spell in plain] == [date(2024, 1, 1), date(2024, 1, 1)]


def test_exact_rung_counterfactual_and_net(staircase: RefusionStaircase) -> None:
    """Enrolled A: kontanthjælp 12,326 kr., since 1 Jan 2024, enrolled 1 Mar, off benefit from 15 Apr.

    Own lines (test_savings): gross 0 / 657,387 / 1,232,600; municipal 0 / 394,432 / 739,560.
      April: actual 1,232,600 x 14/30 = 575,213.33 -> 575,213, gross 657,387; the baseline's 16 days
      from 15 Apr are weeks 16-18 (40 %): municipal 1,232,600 x 16/30 x 60 % = 394,432.
    Cell of A on D: 0101 / cash_benefit / kontanthjaelp_30plus / spell 60 days -> [0,182) / age 44 -> 40-49.

    Comparisons in A's exact cell (5, min_comparisons 2):
      P1 stays on benefit:                                  gross 0 / 0 / 0;       municipal 0 / 0 / 0
      P2 off from 1 May: May baseline days 121-151 since 1 Jan = weeks 18-22 (40 %):
                                                            gross 0 / 0 / 1,232,600; municipal 0 / 0 / 739,560
      P3 10,000 kr., off from 10 Apr: April actual 9 days = 300,000, gross 700,000; baseline days
        100-119 (weeks 15-18, 40 %) 21 days kept 60 % = 420,000; May gross 1,000,000, municipal 600,000
                                              gross 0 / 700,000 / 1,000,000; municipal 0 / 420,000 / 600,000
      R registry since 2022, ended 1 Jun 2023, resumed 1 Feb 2024 -> since 1 Feb 2024 (spell band 0,
        and the refusion counter runs from 1 Feb); off from 16 Apr: April actual 15 days = 616,300,
        gross 616,300; baseline days 75-89 since 1 Feb = weeks 11-13 (40 %): 1,232,600 x 15/30 x 60 %
        = 369,780; May: days 90-120 = weeks 13-18 (40 %): 739,560
                                              gross 0 / 616,300 / 1,232,600; municipal 0 / 369,780 / 739,560
      P13 enrolled in the course on 1 Jun 2024 = `to`: still in the pool; stays: all 0.
    Counterfactual (mean of 5, half away from zero):
      gross     April (0 + 0 + 700,000 + 616,300 + 0) / 5 = 263,260
                May (0 + 1,232,600 + 1,000,000 + 1,232,600 + 0) / 5 = 693,040
      municipal April (0 + 0 + 420,000 + 369,780 + 0) / 5 = 157,956
                May (0 + 739,560 + 600,000 + 739,560 + 0) / 5 = 415,824
    Net gross: 0 / 657,387 - 263,260 = 394,127 / 1,232,600 - 693,040 = 539,560
    Net municipal: 0 / 394,432 - 157,956 = 236,476 / 739,560 - 415,824 = 323,736
    Excluded (each leaves on 1 Apr, so including one would move the April mean): enrolled before `to`
    (P4), erased (P5), other municipality (P6), since after D (P7), off benefit on D (P8), other age band
    (P9), other spell band (P10: since 1 Jun 2023 = 274 days), other target group (P11), other benefit type (P12).
    """
    leave = date(2024, 4, 1)
    pool = build_pool(
        [
            pool_citizen("P1"),
            pool_citizen("P2", events=(ended("P2", date(2024, 5, 1)),)),
            pool_citizen("P3", benefit=Benefit(KH, 1_000_000), events=(ended("P3", date(2024, 4, 10)),)),
            pool_citizen(
                "R",
                since=date(2022, 1, 1),
                events=(
                    ended("R", date(2023, 6, 1), 1),
                    resumed("R", date(2024, 2, 1), n=2),
                    ended("R", date(2024, 4, 16), 3),
                ),
            ),
            pool_citizen("P13", course_enrolled_on=TO),
            pool_citizen("P4", course_enrolled_on=date(2024, 4, 1), events=(ended("P4", leave),)),
            pool_citizen("P5", erased=True, events=(ended("P5", leave),)),
            pool_citizen("P6", municipality="0147", events=(ended("P6", leave),)),
            pool_citizen("P7", since=date(2024, 3, 5), events=(ended("P7", leave),)),
            pool_citizen("P8", events=(ended("P8", date(2024, 2, 1)),)),
            pool_citizen("P9", birth_year=1990, events=(ended("P9", leave),)),
            pool_citizen("P10", since=date(2023, 6, 1), events=(ended("P10", leave),)),
            pool_citizen("P11", group="integration", events=(ended("P11", leave),)),
            pool_citizen("P12", benefit=Benefit("ressourceforloebsydelse", RATE), events=(ended("P12", leave),)),
        ],
        TO,
    )
    citizen = enrolled_citizen("A", events=(ended("A", date(2024, 4, 15)),))
    result = compare([citizen], pool, MONTHS, staircase_pricer(staircase), min_comparisons=2)
    assert result.rung == ("exact",)
    assert result.comparisons.tolist() == [5]
    assert result.own_gross.tolist() == [[0, 657_387, 1_232_600]]
    assert result.own_municipal.tolist() == [[0, 394_432, 739_560]]
    assert result.counterfactual_gross.tolist() == [[0, 263_260, 693_040]]
    assert result.counterfactual_municipal.tolist() == [[0, 157_956, 415_824]]
    assert result.net_gross.tolist() == [[0, 394_127, 539_560]]
    assert result.net_municipal.tolist() == [[0, 236_476, 323_736]]
    assert result.by_rung() == {"exact": 1, "without_age": 0, "country": 0}


def test_without_age_rung_rounds_half_away_from_zero(staircase: RefusionStaircase) -> None:
    """Enrolled B, born 1969 (age 55 -> band >= 50), stays on benefit: own lines all 0.

    Q1 (born 1969, same exact cell) 10,000.01 kr., off from 1 May: May gross 1,000,001; municipal
    (weeks 18-22, 40 %) 1,000,001 x 60 % = 600,000.6 -> 600,001.  Q2 (born 1990, age band 30-39) stays: 0.
    Exact cell has 1 < 2 comparisons -> rung without_age with 2.
    Counterfactual May: gross 1,000,001 / 2 = 500,000.5 -> 500,001; municipal 600,001 / 2 = 300,000.5 -> 300,001.
    Net May: 0 - 500,001 = -500,001; municipal -300,001.
    """
    pool = build_pool(
        [
            pool_citizen(
                "Q1", birth_year=1969, benefit=Benefit(KH, 1_000_001), events=(ended("Q1", date(2024, 5, 1)),)
            ),
            pool_citizen("Q2", birth_year=1990),
        ],
        TO,
    )
    result = compare(
        [enrolled_citizen("B", birth_year=1969)], pool, MONTHS, staircase_pricer(staircase), min_comparisons=2
    )
    assert result.rung == ("without_age",)
    assert result.comparisons.tolist() == [2]
    assert result.counterfactual_gross.tolist() == [[0, 0, 500_001]]
    assert result.counterfactual_municipal.tolist() == [[0, 0, 300_001]]
    assert result.net_gross.tolist() == [[0, 0, -500_001]]
    assert result.net_municipal.tolist() == [[0, 0, -300_001]]


def test_country_rung_negative_half_and_unmatched(staircase: RefusionStaircase) -> None:
    """Enrolled C lives in 0201 where nobody comparable is: rung country (same country, any municipality).

    S1 (0101): raised from 12,326.00 to 12,326.01 kr. on 1 Apr: gross April -1, May -1; municipal
    -1 x 60 % = -0.6 -> -1 per month. S2 (0147) stays: 0. S3 is Swedish: not in the pool of a Danish citizen.
    Counterfactual April and May: gross (-1 + 0) / 2 = -0.5 -> -1; municipal (-1 + 0) / 2 = -0.5 -> -1.
    C stays on benefit: net = 0 - (-1) = 1 in April and May.
    Enrolled E is on ressourceforløbsydelse, which no pool citizen has: unmatched, net 0; E leaves on
    1 May, so its own gross May 1,232,600 and municipal 739,560 are reported as unmatched savings.
    """
    pool = build_pool(
        [
            pool_citizen("S1", events=(changed("S1", date(2024, 4, 1), RATE + 1),)),
            pool_citizen("S2", municipality="0147"),
            pool_citizen("S3", country="SE", municipality="0180", events=(ended("S3", date(2024, 4, 1)),)),
        ],
        TO,
    )
    c = enrolled_citizen("C", municipality="0201")
    e = enrolled_citizen("E", benefit=Benefit("ressourceforloebsydelse", RATE), events=(ended("E", date(2024, 5, 1)),))
    result = compare([c, e], pool, MONTHS, staircase_pricer(staircase), min_comparisons=2)
    assert result.rung == ("country", None)
    assert result.comparisons.tolist() == [2, 0]
    assert result.counterfactual_gross.tolist()[0] == [0, -1, -1]
    assert result.counterfactual_municipal.tolist()[0] == [0, -1, -1]
    assert result.net_gross.tolist() == [[0, 1, 1], [0, 0, 0]]
    assert result.net_municipal.tolist() == [[0, 1, 1], [0, 0, 0]]
    assert result.unmatched_gross == 1_232_600
    assert result.unmatched_municipal == 739_560
    assert result.by_rung() == {"exact": 0, "without_age": 0, "country": 1}


def test_default_min_comparisons_is_five(staircase: RefusionStaircase) -> None:
    pool = build_pool([pool_citizen(f"P{i}") for i in range(4)], TO)
    result = compare([enrolled_citizen("A")], pool, MONTHS, staircase_pricer(staircase))
    assert result.rung == (None,)
    pool = build_pool([pool_citizen(f"P{i}") for i in range(5)], TO)
    assert compare([enrolled_citizen("A")], pool, MONTHS, staircase_pricer(staircase)).rung == ("exact",)


def test_many_days_match_the_one_by_one_computation(staircase: RefusionStaircase) -> None:
    """The grouped, vectorised matching equals matching each citizen on its own (different D, cells)."""
    import random

    rng = random.Random(7)
    pool_citizens = []
    for i in range(300):
        events: list[OutcomeEvent] = []
        day = date(2023, 6, 1)
        for n in range(rng.randint(0, 3)):
            day = date.fromordinal(day.toordinal() + rng.randint(20, 200))
            kind = rng.choice(["ended", "changed", "resumed"])
            if kind == "ended":
                events.append(ended(f"p{i}", day, n))
            elif kind == "changed":
                events.append(changed(f"p{i}", day, rng.randint(500_000, 2_000_000), n=n))
            else:
                events.append(resumed(f"p{i}", day, rng.randint(500_000, 2_000_000), n=n))
        pool_citizens.append(
            pool_citizen(
                f"p{i}",
                municipality=rng.choice(["0101", "0147", "0151", "0153"]),
                birth_year=rng.choice([1960, 1970, 1980, 1995]),
                since=date(2023, rng.randint(1, 12), 1),
                events=tuple(events),
            )
        )
    pool = build_pool(pool_citizens, date(2025, 1, 1))
    months = [Month(2024, m) for m in range(1, 13)]
    enrolled = []
    for i in range(40):
        d = date(2024, rng.randint(1, 6), rng.randint(1, 28))
        path = benefit_path(
            enrolled_on=d,
            since=date(2023, rng.randint(1, 12), 1),
            at_enrolment=Benefit(KH, RATE),
            events=(ended(f"e{i}", date(2024, 9, 1)),),
        )
        enrolled.append(
            EnrolledCitizen(
                f"e{i}",
                "DK",
                rng.choice(["0101", "0147", "0151", "0999"]),
                "cash_benefit",
                rng.choice([1960, 1980]),
                KH,
                path,
            )
        )
    together = compare(enrolled, pool, months, staircase_pricer(staircase), min_comparisons=4)
    for row, citizen in enumerate(enrolled):
        rung, gross, municipal = reference(citizen, pool_citizens, months, staircase, 4)
        assert together.rung[row] == rung
        assert together.counterfactual_gross[row].tolist() == gross
        assert together.counterfactual_municipal[row].tolist() == municipal
    assert len(set(together.rung)) >= 3


def reference(
    citizen: EnrolledCitizen, pool: list[PoolCitizen], months: list[Month], staircase: RefusionStaircase, least: int
) -> tuple[str | None, list[int], list[int]]:
    """§7 read literally, one comparison at a time with the plain per-citizen engine."""
    d = citizen.path.enrolled_on
    assert citizen.path.since is not None
    cell = (
        citizen.municipality,
        citizen.target_group,
        citizen.benefit_type,
        spell_band((d - citizen.path.since).days),
        age_band(d, citizen.birth_year),
    )
    candidates = []
    for other in pool:
        for spell in benefit_spells(other):
            if spell.start <= d and (spell.end is None or d < spell.end):
                key = (
                    other.municipality,
                    other.target_group,
                    spell.benefit.type,
                    spell_band((d - spell.since).days),
                    age_band(d, other.birth_year),
                )
                candidates.append((other, spell, key))
    ladder: list[tuple[str, Callable[[tuple[object, ...]], bool]]] = [
        ("exact", lambda key: key == cell),
        ("without_age", lambda key: key[:4] == cell[:4]),
        ("country", lambda key: key[1:4] == cell[1:4]),
    ]
    found = [(name, [(o, s) for o, s, key in candidates if matches(key)]) for name, matches in ladder]
    enough = [(name, chosen) for name, chosen in found if len(chosen) >= least]
    if not enough:
        return None, [0] * len(months), [0] * len(months)
    rung, chosen = enough[0]
    paths = [
        benefit_path(
            enrolled_on=d,
            since=spell.since,
            at_enrolment=spell.benefit,
            events=[e for e in effective_events(other.events) if e.occurred_on > d],
        )
        for other, spell in chosen
    ]
    lines = monthly_savings(paths, months, staircase)
    gross = [round_ore(Fraction(int(lines.gross[:, m].sum()), len(paths))) for m in range(len(months))]
    municipal = [round_ore(Fraction(int(lines.municipal[:, m].sum()), len(paths))) for m in range(len(months))]
    return rung, gross, municipal


@pytest.mark.parametrize("bad", [0, -1])
def test_min_comparisons_must_be_positive(bad: int, staircase: RefusionStaircase) -> None:
    with pytest.raises(InvalidField, match="min_comparisons"):
        compare([], build_pool([], TO), MONTHS, staircase_pricer(staircase), min_comparisons=bad)


def test_vectorised_pool_has_the_spells_of_the_rule() -> None:
    """The pool built for all citizens at once (build_pool_columns) has, per citizen, exactly the spells of
    `benefit_spells` (the rule, citizen by citizen), on random histories with ends, changes and resumptions."""
    import random

    from outcomes.domain.comparison import PoolColumns, build_pool_columns

    rng = random.Random(11)
    citizens = []
    for i in range(300):
        events: list[OutcomeEvent] = []
        day = date(2023, 1, 1)
        for n in range(rng.randint(0, 5)):
            day = date.fromordinal(day.toordinal() + rng.randint(0, 200))
            kind = rng.choice(["ended", "changed", "resumed"])
            if kind == "ended":
                events.append(ended(f"p{i}", day, n))
            elif kind == "changed":
                events.append(changed(f"p{i}", day, rng.randint(1, 9) * 100_000, kind=rng.choice([KH, "x"]), n=n))
            else:
                events.append(resumed(f"p{i}", day, rng.randint(1, 9) * 100_000, n=n))
        if events and rng.random() < 0.1:  # a correction: the first event superseded by a later one
            first = events[0]
            events.append(OutcomeEvent(f"p{i}-fix", f"p{i}", first.type, first.occurred_on, first.data, first.id, 99))
        citizens.append(
            pool_citizen(
                f"p{i}",
                municipality=rng.choice(["0101", "0147"]),
                since=date(2022, rng.randint(1, 12), 1) if rng.random() < 0.95 else None,
                birth_year=rng.choice([1970, 1990, None]),  # type: ignore[list-item]
                events=tuple(events),
                course_enrolled_on=date(2024, 3, 1) if rng.random() < 0.1 else None,
                erased=rng.random() < 0.05,
            )
        )
    pool = build_pool_columns(PoolColumns.empty(), citizens, TO)
    kinds = {code: name for name, code in pool.types.codes.items()}
    got: dict[str, list[tuple[int, int, int, int, object]]] = {}
    for row in range(len(pool.start)):
        got.setdefault(pool.member_ids[pool.member[row]], []).append(
            (
                int(pool.start[row]),
                int(pool.end[row]),
                int(pool.since[row]),
                int(pool.cost[row]),
                kinds[int(pool.type_code[row])],
            )
        )
    expected = {
        c.citizen_id: [
            (
                s.start.toordinal(),
                s.end.toordinal() if s.end else NEVER,
                s.since.toordinal(),
                s.benefit.monthly_cost,
                s.benefit.type,
            )
            for s in benefit_spells(c)
        ]
        for c in citizens
        if not c.erased and c.course_enrolled_on is None and benefit_spells(c)
    }
    assert got == expected
    assert sum(1 for c in citizens if c.birth_year is None and c.citizen_id in got) > 0
    known = dict(zip(pool.member_ids, pool.member_known_age.tolist(), strict=True))
    assert all(known[c.citizen_id] == (c.birth_year is not None) for c in citizens if c.citizen_id in got)


def test_municipal_lines_count_only_what_the_municipality_pays() -> None:
    """Sweden (no staircase): A moves from ekonomiskt bistånd (kommun) to sjukersättning (Försäkringskassan)
    on 16 April; of five comparisons one moves on 1 May. Gross counts every payer, municipal the kommun only."""
    none = RefusionStaircase(bands=[], reset_weeks=52)
    eb, sjuk = "ekonomiskt_bistand", "sjukersattning"
    path = benefit_path(
        enrolled_on=D,
        since=date(2024, 1, 1),
        at_enrolment=Benefit(eb, 900_000),
        events=[changed("a", date(2024, 4, 16), 1_000_000, kind=sjuk)],
    )
    kommun_path = benefit_path(
        enrolled_on=D,
        since=date(2024, 1, 1),
        at_enrolment=Benefit(eb, 900_000),
        events=[changed("a", date(2024, 4, 16), 0, kind=eb)],
    )
    a = EnrolledCitizen("a", "SE", "0180", "g", 1980, eb, path, municipal_path=kommun_path)
    pool = build_pool(
        [
            pool_citizen(f"p{n}", country="SE", municipality="0180", group="g", benefit=Benefit(eb, 900_000))
            for n in range(4)
        ]
        + [
            pool_citizen(
                "p4",
                country="SE",
                municipality="0180",
                group="g",
                benefit=Benefit(eb, 900_000),
                events=(changed("p4", date(2024, 5, 1), 1_000_000, kind=sjuk),),
            )
        ],
        TO,
    )
    result = compare([a], pool, MONTHS, staircase_pricer(none), municipal_pays=lambda kind: kind == eb)
    assert result.own_gross.tolist() == [[0, -50_000, -100_000]]
    assert result.own_municipal.tolist() == [[0, 450_000, 900_000]]
    assert result.counterfactual_gross.tolist() == [[0, 0, -20_000]]
    assert result.counterfactual_municipal.tolist() == [[0, 0, 180_000]]
    # Without the payer rule (Denmark's reading) the municipal line is the whole history's.
    danish = compare([a], pool, MONTHS, staircase_pricer(none))
    assert danish.own_municipal.tolist() == [[0, -50_000, -100_000]]
    assert danish.counterfactual_municipal.tolist() == [[0, 0, -20_000]]
