"""The demo population: a deterministic (seeded) growth-partnership programme as API payloads.

`build_population(seed, taxonomy)` is a pure function: the same seed and taxonomy give the same
payloads. Every name is fictitious and every national id is generated: format-valid (CPR with a
real date and century digit; personnummer with a valid Luhn digit) but never taken from a person.
The loader posts the lists in order (municipalities, organisations, partnerships, openings,
citizens, enrolments) as an admin with tenant '*', so every payload names its municipality.

References between payloads use local keys: an item's `key` names it, and a field `<x>_key` in
another item stands for `<x>_id`. After posting an item, remember `ids[item["key"]] = <new id>`
and call `bind(item, ids)` on the items that refer to it (it drops `key` and swaps each
`<x>_key` for `<x>_id`). Citizens go through `citizens:batch` (their key is their external_ref).

Benefit amounts are 2025 monthly rates in øre from the DK-2025 rate card (outcomes/rate_cards/DK-2025.json,
each figure with its public source): kontanthjælp, ressourceforløbsydelse, ledighedsydelse,
førtidspension, max dagpenge for sygedagpenge. Swedish
amounts (öre) are illustrative levels, not a rate card.

The programme's places and the support-need codes it draws from are data, in demo_programme.json
beside this module (package data of devstack).
"""

from __future__ import annotations

import datetime as dt
import json
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from typing import Any, Protocol

from stdnum import luhn


class _Occupation(Protocol):
    code: str
    essential_skills: tuple[str, ...]
    optional_skills: tuple[str, ...]


class _ProgrammeOccupation(Protocol):
    family: str
    occupation: _Occupation


class ProgrammeTaxonomy(Protocol):
    """What the generator needs of `taxonomy.Taxonomy`."""

    def programme_occupations(self) -> Sequence[_ProgrammeOccupation]: ...


@dataclass(frozen=True)
class Place:
    code: str
    name: str
    postcode: str
    lat: float
    lon: float
    weight: int  # relative number of citizens


def _programme_data() -> dict[str, Any]:
    # Data, not code: the places and the support-need codes the generator draws from, in the order
    # that seeds the population (reordering them changes every citizen).
    text = resources.files("devstack").joinpath("demo_programme.json").read_text(encoding="utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


_PROGRAMME = _programme_data()
# The programme's municipalities: real codes and names (Danish municipal codes, Swedish kommunkod).
PLACES = tuple(Place(**place) for place in _PROGRAMME["places"])
DANISH = tuple(p for p in PLACES if p.code.startswith("DK-"))
SWEDISH = tuple(p for p in PLACES if p.code.startswith("SE-"))

COMPANIES = 18
CITIZENS = 2000
OPENINGS = 300
PROGRAMME_START = dt.date(2025, 5, 1)  # 18 months of history up to AS_OF
AS_OF = dt.date(2026, 11, 1)  # milestones reached up to this date; later ones are still open

# Target groups with their share of the cohort and work capacity (hours per week) range.
TARGET_GROUPS: dict[str, tuple[float, tuple[int, int]]] = {
    "cash_benefit": (0.30, (10, 37)),
    "resource_programme": (0.18, (3, 15)),
    "flexjob": (0.14, (4, 20)),
    "integration": (0.14, (10, 37)),
    "sickness_benefit": (0.10, (5, 25)),
    "disability_pension": (0.06, (2, 10)),
    "other": (0.08, (8, 37)),
}
# Monthly amounts in øre, 2025 (DK.md): (benefit type, amount) options per target group.
DK_BENEFITS: dict[str, tuple[tuple[str, int], ...]] = {
    "cash_benefit": (
        ("kontanthjaelp_30_plus", 1_277_000),
        ("kontanthjaelp_30_plus_forsoerger", 1_697_200),
        ("kontanthjaelp_under_30_udeboende", 823_100),
        ("kontanthjaelp_under_30_hjemmeboende", 397_200),
    ),
    "resource_programme": (("ressourceforloebsydelse", 1_277_000), ("ressourceforloebsydelse_forsoerger", 1_697_200)),
    "flexjob": (("ledighedsydelse", 1_877_200),),
    "integration": (("kontanthjaelp_30_plus", 1_277_000), ("kontanthjaelp_under_30_udeboende", 823_100)),
    "sickness_benefit": (("sygedagpenge", 2_109_200),),
    "disability_pension": (("foertidspension_enlig", 2_110_300), ("foertidspension_gift", 1_793_800)),
    "other": (("kontanthjaelp_30_plus", 1_277_000),),
}
SE_BENEFITS: dict[str, tuple[tuple[str, int], ...]] = {
    "cash_benefit": (("ekonomiskt_bistand", 850_000),),
    "resource_programme": (("aktivitetsstod", 1_100_000),),
    "flexjob": (("lonebidrag_anstallning", 0),),
    "integration": (("etableringsersattning", 930_000),),
    "sickness_benefit": (("sjukpenning", 1_650_000),),
    "disability_pension": (("sjukersattning", 1_250_000),),
    "other": (("ekonomiskt_bistand", 850_000),),
}
# A subset of the registry's core codes (registry.domain.vocabulary) plus custom `x-` codes.
SUPPORT_NEEDS: tuple[str, ...] = tuple(_PROGRAMME["support_needs"])
CUSTOM_SUPPORT_NEEDS: tuple[str, ...] = tuple(_PROGRAMME["custom_support_needs"])
LEVELS = ("basic", "intermediate", "advanced")
COMPANY_WORDS = (
    ("Kyst", "Fjord", "Bakke", "Lynge", "Strand", "Skov", "Havne", "Eng", "Klint", "Mose", "Vig", "Sø"),
    ("Service", "Køkken", "Lager", "Gartneri", "Rengøring", "Transport", "Produktion", "Handel", "Pleje", "Kantine"),
    ("ApS", "A/S", "I/S"),
)
FAMILY_TITLES = {
    "cleaning": "Rengøringsmedhjælper",
    "kitchen": "Køkkenmedhjælper",
    "warehouse": "Lagermedarbejder",
    "retail": "Butiksmedhjælper",
    "gardening": "Gartnermedhjælper",
    "care assistance": "Omsorgsmedhjælper",
    "care": "Omsorgsmedhjælper",
    "production": "Produktionsmedarbejder",
    "transport": "Chauffør/budmedhjælper",
}
ASF_MET = {
    "work_integration_purpose": True,
    "reinvests_profits": True,
    "participant_involvement": True,
    "independent_of_public_sector": True,
}


@dataclass
class Population:
    """API payloads in posting order. See the module docstring for `key` / `<x>_key` references."""

    municipalities: list[dict[str, Any]] = field(default_factory=list)
    organisations: list[dict[str, Any]] = field(default_factory=list)
    partnerships: list[dict[str, Any]] = field(default_factory=list)
    openings: list[dict[str, Any]] = field(default_factory=list)
    citizens: list[dict[str, Any]] = field(default_factory=list)
    enrolments: list[dict[str, Any]] = field(default_factory=list)


def bind(item: Mapping[str, Any], ids: Mapping[str, str]) -> dict[str, Any]:
    """The payload to post: `key` dropped, every `<x>_key` replaced by `<x>_id` from `ids`."""
    bound: dict[str, Any] = {}
    for name, value in item.items():
        if name == "key":
            continue
        if name.endswith("_key"):
            bound[name[: -len("_key")] + "_id"] = ids[value]
        else:
            bound[name] = value
    return bound


def build_population(seed: int, taxonomy: ProgrammeTaxonomy) -> Population:
    """The whole demo programme, deterministic in `seed` and the taxonomy."""
    rng = random.Random(seed)
    occupations = list(taxonomy.programme_occupations())
    if not occupations:
        raise ValueError("the taxonomy has no programme occupations")
    population = Population(municipalities=[{"code": p.code, "name": p.name} for p in PLACES])
    employers = _organisations(rng, population)
    _partnerships(population, employers)
    _openings(rng, population, employers, occupations)
    _citizens(rng, population, occupations)
    _enrolments(rng, population)
    return population


def _organisations(rng: random.Random, population: Population) -> dict[str, list[str]]:
    """Companies, social enterprises, business councils and providers; employer keys per municipality."""
    employers: dict[str, list[str]] = {p.code: [] for p in PLACES}
    used_names: set[str] = set()

    def add(place: Place, kind: str, name: str, **extra: Any) -> str:
        key = f"org:{place.code}:{kind}:{len(population.organisations)}"
        population.organisations.append({"key": key, "municipality": place.code, "kind": kind, "name": name, **extra})
        return key

    for index in range(COMPANIES):
        place = DANISH[index % len(DANISH)]
        employers[place.code].append(
            add(place, "company", _company_name(rng, used_names), registration_number=fake_cvr(rng))
        )
    for place, name in (
        (DANISH[0], "Stevns Grønne Hænder"),
        (DANISH[2], "Værkstedet Nordkysten"),
        (DANISH[9], "Café Brobyggeren"),
    ):
        employers[place.code].append(
            add(place, "social_enterprise", f"{name} ApS", registration_number=fake_cvr(rng), asf_criteria=ASF_MET)
        )
    falun = SWEDISH[0]
    employers[falun.code].append(add(falun, "company", "Dalaträ Service AB", registration_number=_orgnr(rng)))
    employers[falun.code].append(
        add(
            falun,
            "social_enterprise",
            "Kopparvägen Arbetsintegration ek. för.",
            registration_number=_orgnr(rng),
            asf_criteria=ASF_MET,
        )
    )
    for place in PLACES:
        council = "Näringslivsråd" if place in SWEDISH else "Erhvervsråd"
        add(place, "business_council", f"{place.name} {council}")
        add(place, "provider", "Jobbrobygget Dalarna" if place in SWEDISH else f"Jobvejen {place.name}")
    return employers


def _partnerships(population: Population, employers: dict[str, list[str]]) -> None:
    by_place = {p.code: [o for o in population.organisations if o["municipality"] == p.code] for p in PLACES}
    for place in PLACES:
        council = next(o["key"] for o in by_place[place.code] if o["kind"] == "business_council")
        provider = next(o["key"] for o in by_place[place.code] if o["kind"] == "provider")
        for number, company in enumerate(employers[place.code]):
            population.partnerships.append(
                {
                    "key": f"partnership:{place.code}:{number}",
                    "municipality": place.code,
                    "company_key": company,
                    "business_council_key": council,
                    "provider_key": provider,
                    "starts_on": PROGRAMME_START.isoformat(),
                    "ends_on": (
                        PROGRAMME_START.replace(year=PROGRAMME_START.year + 1) - dt.timedelta(days=1)
                    ).isoformat(),
                    "status": "active",
                }
            )


def _openings(
    rng: random.Random, population: Population, employers: dict[str, list[str]], occupations: list[Any]
) -> None:
    slots = [(place, key) for place in PLACES for key in employers[place.code]]
    for index in range(OPENINGS):
        place, employer = slots[index % len(slots)]
        programme = rng.choice(occupations)
        occupation = programme.occupation
        essential = list(occupation.essential_skills[:3])
        optional = rng.sample(list(occupation.optional_skills), k=min(2, len(occupation.optional_skills)))
        low = rng.choice((3, 5, 8, 10, 15, 20, 25))
        population.openings.append(
            {
                "municipality": place.code,
                "external_ref": f"JOB-{place.code}-{index:04d}",
                "organisation_key": employer,
                "title": f"{FAMILY_TITLES.get(programme.family, 'Medhjælper')}, {low}+ timer",
                "occupation": occupation.code,
                "skills": [{"code": c, "essential": True} for c in essential]
                + [{"code": c, "essential": False} for c in optional if c not in essential],
                "hours_per_week": {"min": low, "max": min(37, low + rng.choice((0, 5, 10, 15)))},
                "seats": rng.choice((1, 1, 1, 2, 2, 3)),
                "support_offered": sorted(rng.sample(SUPPORT_NEEDS, k=rng.randint(0, 4))),
                "flexjob": rng.random() < 0.4,
                "location": near(rng, place),
                "status": rng.choices(("open", "filled", "closed"), weights=(8, 1, 1))[0],
            }
        )


def _citizens(rng: random.Random, population: Population, occupations: list[Any]) -> None:
    groups = list(TARGET_GROUPS)
    shares = [TARGET_GROUPS[g][0] for g in groups]
    places = rng.choices(PLACES, weights=[p.weight for p in PLACES], k=CITIZENS)
    issued: set[str] = set()
    for index, place in enumerate(places):
        group = rng.choices(groups, weights=shares)[0]
        swedish = place in SWEDISH
        national_id, birth_year = _personnummer(rng, index) if swedish else fake_cpr(rng, index)
        while national_id in issued:
            national_id, birth_year = _personnummer(rng, index) if swedish else fake_cpr(rng, index)
        issued.add(national_id)
        background = rng.sample(occupations, k=2)
        known = sorted({c for o in background for c in (*o.occupation.essential_skills, *o.occupation.optional_skills)})
        skills = rng.sample(known, k=min(len(known), rng.randint(1, 5)))
        needs = rng.sample(SUPPORT_NEEDS, k=rng.choices((0, 1, 2, 3), weights=(2, 4, 3, 1))[0])
        if rng.random() < 0.03:
            needs.append(rng.choice(CUSTOM_SUPPORT_NEEDS))
        low, high = TARGET_GROUPS[group][1]
        benefit_type, amount = rng.choice((SE_BENEFITS if swedish else DK_BENEFITS)[group])
        consent_given = rng.random() < 0.9
        population.citizens.append(
            {
                "key": f"citizen:{place.code}:{index:05d}",
                "municipality": place.code,
                "external_ref": f"JC-{place.code[3:]}-{index:06d}",
                "national_id": national_id,
                "birth_year": birth_year,
                "target_group": group,
                "benefit": {
                    "type": benefit_type,
                    "monthly_amount": amount,
                    "currency": "SEK" if swedish else "DKK",
                    "since": (dt.date(2024, 1, 1) + dt.timedelta(days=rng.randint(0, 600))).isoformat(),
                },
                "work_capacity_hours": rng.randint(low, high),
                "skills": [{"code": c, "level": rng.choice((None, *LEVELS))} for c in skills],
                "support_needs": [{"code": c, "essential": rng.random() < 0.4} for c in needs],
                "interests": sorted({o.occupation.code for o in rng.sample(occupations, k=rng.randint(1, 3))}),
                "location": near(rng, place),
                "consent": {
                    "matching": True,
                    "given_at": f"2026-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}T10:00:00+01:00",
                }
                if consent_given
                else {"matching": False, "given_at": "2026-01-15T10:00:00+01:00"},
            }
        )


def _enrolments(rng: random.Random, population: Population) -> None:
    by_place: dict[str, list[dict[str, Any]]] = {}
    for citizen in population.citizens:
        by_place.setdefault(citizen["municipality"], []).append(citizen)
    for partnership in population.partnerships:
        place = partnership["municipality"]
        population.enrolments.append(
            {
                "municipality": place,
                "programme": "company_accelerator",
                "organisation_key": partnership["company_key"],
                "partnership_key": partnership["key"],
                "started_on": PROGRAMME_START.isoformat(),
                "phase": "training",
                "milestones": _milestones(rng, PROGRAMME_START),
            }
        )
        pool = [c for c in by_place.get(place, []) if c["consent"]["matching"]]
        for citizen in rng.sample(pool, k=min(len(pool), rng.randint(8, 15))):
            started = PROGRAMME_START + dt.timedelta(days=rng.randint(0, 60))
            population.enrolments.append(
                {
                    "municipality": place,
                    "programme": "citizen_course",
                    "citizen_key": citizen["key"],
                    "partnership_key": partnership["key"],
                    "started_on": started.isoformat(),
                    "phase": rng.choice(
                        ("onboarding", "training", "training", "placement", "follow_up", "dropped_out")
                    ),
                    "milestones": _milestones(rng, started),
                }
            )
        by_place[place] = [
            c for c in by_place.get(place, []) if all(e.get("citizen_key") != c["key"] for e in population.enrolments)
        ]


def _milestones(rng: random.Random, started: dt.date) -> list[dict[str, Any]]:
    plan = (("onboarding_done", 30), ("first_placement", 120), ("retained_3_months", 210), ("programme_completed", 365))
    milestones = []
    for name, days in plan:
        due = started + dt.timedelta(days=days)
        reached = due + dt.timedelta(days=rng.randint(-20, 30))
        reached_on = reached.isoformat() if reached <= AS_OF and rng.random() < 0.7 else None
        milestones.append({"name": name, "due_on": due.isoformat(), "reached_on": reached_on})
    return milestones


def near(rng: random.Random, place: Place) -> dict[str, Any]:
    return {
        "postcode": place.postcode,
        "lat": round(place.lat + rng.uniform(-0.08, 0.08), 4),
        "lon": round(place.lon + rng.uniform(-0.12, 0.12), 4),
    }


def _company_name(rng: random.Random, used: set[str]) -> str:
    while True:
        first, trade, form = (rng.choice(words) for words in COMPANY_WORDS)
        name = f"{first}{trade.lower()} {form}"
        if name not in used:
            used.add(name)
            return name


def fake_cvr(rng: random.Random) -> str:
    """8 digits passing the CVR modulus-11 check (weights 2,7,6,5,4,3,2,1)."""
    weights = (2, 7, 6, 5, 4, 3, 2)
    while True:
        head = str(rng.randint(1_000_000, 9_999_999))
        check = (11 - sum(w * int(d) for w, d in zip(weights, head, strict=True)) % 11) % 11
        if check < 10:
            return head + str(check)


def _orgnr(rng: random.Random) -> str:
    """A Swedish aktiebolag-style organisationsnummer (55xxxxxxxx) with a valid Luhn digit."""
    body = f"55{rng.randint(6_000_000, 9_999_999)}"
    return body + luhn.calc_check_digit(body)


def fake_cpr(rng: random.Random, index: int) -> tuple[str, int]:
    """A CPR-format number (real date; 7th digit 0-3 for the 1900s, 4 for 2000-2036) and its birth year."""
    born = dt.date(1962, 1, 1) + dt.timedelta(days=rng.randint(0, 365 * 43))
    serial = (
        (index + rng.randint(0, 1) * 2000) % 4000
        if born.year < 2000
        else 4000 + (index + rng.randint(0, 9) * 100) % 1000
    )
    return f"{born:%d%m%y}{serial:04d}", born.year


def _personnummer(rng: random.Random, index: int) -> tuple[str, int]:
    """A 12-digit personnummer with a valid Luhn digit and its birth year; unique by index."""
    born = dt.date(1962, 1, 1) + dt.timedelta(days=rng.randint(0, 365 * 43))
    body = f"{born:%y%m%d}{(index % 1000):03d}"
    return f"{born.year // 100}{body}{luhn.calc_check_digit(body)}", born.year
