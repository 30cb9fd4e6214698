"""Deterministic payloads for the journey test: one municipality's programme year, seeded.

Shapes, benefit levels and the CPR/CVR generators come from the demo population
(devstack.demo_population) and the outcome history rules from the demo loader (devstack.demo), so the
journey exercises the same payloads a real integration sends. Every national id is generated
(CPR format with a real date and century digit), never taken from a person.
"""

from __future__ import annotations

import datetime as dt
import os
import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from devstack.demo import benefit_effect, event
from devstack.demo_population import DANISH, DK_BENEFITS, LEVELS, SUPPORT_NEEDS, TARGET_GROUPS, fake_cpr, fake_cvr, near
from taxonomy import load_taxonomy
from taxonomy.model import ProgrammeOccupation

# Jammerbugt: no other end-to-end test writes to it, so its evaluation holds only this journey.
MUNICIPALITY = "DK-0849"
PLACE = next(place for place in DANISH if place.code == MUNICIPALITY)
SEED = 849
CITIZENS = 500
CITIZEN_BATCH = 100
ENROLLED = 40
# A 12-month programme year that has ended, so it can be settled and evaluated as a whole.
PROGRAMME_START = dt.date(2025, 11, 1)
PROGRAMME_END = dt.date(2026, 11, 1)  # exclusive
COMPANY_OPENINGS = 8  # at the partnership's company: the seats the assignment fills
OTHER_OPENINGS = 24  # at two other employers in the municipality
OPENING_BATCH = 16
# Rebild, next door: an admin plants look-alikes there that Jammerbugt's lists must never show.
NEIGHBOUR = "DK-0840"
NEIGHBOUR_NATIONAL_ID = "0101854321"  # 1 January 1985 (7th digit 4, year 85: the 1900s)


@dataclass
class Programme:
    """API payloads of one municipality's programme; ids are filled in as the journey creates them."""

    organisations: dict[str, dict[str, Any]] = field(default_factory=dict)  # key -> payload
    openings: list[dict[str, Any]] = field(default_factory=list)  # `employer` names an organisation key
    citizens: list[dict[str, Any]] = field(default_factory=list)
    rejected: dict[str, Any] = field(default_factory=dict)  # sent with the last batch; its CPR has no real date

    @property
    def national_ids(self) -> list[str]:
        return [str(citizen["national_id"]) for citizen in (*self.citizens, self.rejected)] + [NEIGHBOUR_NATIONAL_ID]


def programme_taxonomy() -> list[ProgrammeOccupation]:
    """The programme's occupations in the taxonomy the stack loads (ESCO when ESCO_DIR is set)."""
    esco = os.environ.get("ESCO_DIR")
    occupations = load_taxonomy(Path(esco) if esco else None).programme_occupations()
    usable = [item for item in occupations if item.occupation.essential_skills]
    assert usable, "the taxonomy has no programme occupations with essential skills"
    return usable


def build_programme(occupations: Sequence[ProgrammeOccupation], seed: int = SEED) -> Programme:
    """Organisations, openings and 500 citizens of the municipality (same seed, same payloads)."""
    rng = random.Random(seed)
    programme = Programme()
    for key, kind, name in (
        ("company", "company", "Jammerbugt Kystservice ApS"),
        ("employer_a", "company", "Fjerritslev Køkken A/S"),
        ("employer_b", "social_enterprise", "Værkstedet Blokhus ApS"),
        ("council", "business_council", "Jammerbugt Erhvervsråd"),
        ("provider", "provider", "Jobvejen Jammerbugt"),
    ):
        payload: dict[str, Any] = {"kind": kind, "name": name}
        if kind in ("company", "social_enterprise"):
            payload["registration_number"] = fake_cvr(rng)
        if kind == "social_enterprise":
            payload["asf_criteria"] = {
                "work_integration_purpose": True,
                "reinvests_profits": True,
                "participant_involvement": True,
                "independent_of_public_sector": True,
            }
        programme.organisations[key] = payload
    employers = ["company"] * COMPANY_OPENINGS + ["employer_a", "employer_b"] * (OTHER_OPENINGS // 2)
    for index, employer in enumerate(employers):
        programme.openings.append(_opening(rng, index, employer, rng.choice(occupations)))
    issued: set[str] = set()
    for index in range(CITIZENS):
        programme.citizens.append(_citizen(rng, index, occupations, issued))
    # 31 February 1990: CPR-shaped but no real date, so the registry refuses this one item.
    programme.rejected = {**_citizen(rng, CITIZENS, occupations, issued), "national_id": "3102904321"}
    return programme


def _opening(rng: random.Random, index: int, employer: str, programme: ProgrammeOccupation) -> dict[str, Any]:
    occupation = programme.occupation
    essential = list(occupation.essential_skills[:3])
    optional = [c for c in occupation.optional_skills[:2] if c not in essential]
    # Low minimum hours at the company, so the assignment can fill every seat from the cohort.
    low = rng.choice((3, 5, 8)) if employer == "company" else rng.choice((5, 8, 10, 15, 20))
    return {
        "external_ref": f"JOB-0849-{index:04d}",
        "employer": employer,
        "title": f"Medhjælper ({programme.family}), {low}+ timer",
        "occupation": occupation.code,
        "skills": [{"code": c, "essential": True} for c in essential]
        + [{"code": c, "essential": False} for c in optional],
        "hours_per_week": {"min": low, "max": min(37, low + rng.choice((5, 10, 15)))},
        "seats": rng.choice((1, 2, 2, 3)),
        # Every support need is offered at the company, so no essential need excludes a pair there.
        "support_offered": list(SUPPORT_NEEDS) if employer == "company" else sorted(rng.sample(SUPPORT_NEEDS, k=2)),
        "flexjob": rng.random() < 0.4,
        "location": near(rng, PLACE),
        "status": "open",
    }


def _citizen(
    rng: random.Random, index: int, occupations: Sequence[ProgrammeOccupation], issued: set[str]
) -> dict[str, Any]:
    groups = list(TARGET_GROUPS)
    group = rng.choices(groups, weights=[TARGET_GROUPS[g][0] for g in groups])[0]
    national_id, birth_year = fake_cpr(rng, index)
    while national_id in issued:
        national_id, birth_year = fake_cpr(rng, index)
    issued.add(national_id)
    background = rng.sample(list(occupations), k=2)
    known = sorted({c for o in background for c in (*o.occupation.essential_skills, *o.occupation.optional_skills)})
    skills = rng.sample(known, k=min(len(known), rng.randint(2, 5)))
    low, high = TARGET_GROUPS[group][1]
    benefit_type, amount = rng.choice(DK_BENEFITS[group])
    # The cohort enrolled first (index < ENROLLED) has consented; one in ten of the others has not.
    consent = index < ENROLLED or rng.random() < 0.9
    return {
        "external_ref": f"JC-849-{index:06d}",
        "national_id": national_id,
        "birth_year": birth_year,
        "target_group": group,
        "benefit": {
            "type": benefit_type,
            "monthly_amount": amount,
            "currency": "DKK",
            "since": (dt.date(2023, 6, 1) + dt.timedelta(days=rng.randint(0, 800))).isoformat(),
        },
        "work_capacity_hours": max(rng.randint(low, high), 8 if index < ENROLLED else low),
        "skills": [{"code": c, "level": rng.choice((None, *LEVELS))} for c in skills],
        "support_needs": [{"code": c, "essential": rng.random() < 0.3} for c in rng.sample(SUPPORT_NEEDS, k=1)],
        "interests": sorted({o.occupation.code for o in rng.sample(list(occupations), k=2)}),
        "location": near(rng, PLACE),
        "consent": {"matching": consent, "given_at": "2025-10-15T10:00:00+02:00"},
    }


def neighbour_company(seed: int = SEED) -> dict[str, Any]:
    """A company in the neighbouring municipality (for the tenancy checks)."""
    rng = random.Random(f"{seed}:{NEIGHBOUR}")
    return {
        "municipality": NEIGHBOUR,
        "kind": "company",
        "name": "Rebild Kystservice ApS",
        "registration_number": fake_cvr(rng),
    }


def enrolment_day(index: int) -> dt.date:
    """Citizens join the course over the programme's first month."""
    return PROGRAMME_START + dt.timedelta(days=index % 28)


def outcome_history(
    *,
    citizen: dict[str, Any],
    citizen_id: str,
    enrolled_on: dt.date,
    organisation_id: str,
    opening: dict[str, Any] | None,
    opening_id: str | None,
    seed: int = SEED,
) -> Iterator[dict[str, Any]]:
    """A placement with its benefit effect (demo rules), and for some an end and a resumed benefit."""
    rng = random.Random(f"{seed}:{citizen['external_ref']}")
    started = enrolled_on + dt.timedelta(days=rng.randint(14, 120))
    hours = citizen["work_capacity_hours"]
    if opening is not None:
        hours = min(hours, opening["hours_per_week"]["max"])
    ref = f"journey:{citizen['external_ref']}"
    placement: dict[str, Any] = {"organisation_id": organisation_id, "hours_per_week": hours, "kind": "ordinary"}
    if opening_id is not None:
        placement["opening_id"] = opening_id
    yield event(f"{ref}:1", citizen_id, "placement_started", started, placement)
    yield from benefit_effect(ref, citizen_id, citizen["target_group"], citizen["benefit"], started, hours)
    if rng.random() < 0.3:
        ended = started + dt.timedelta(days=rng.randint(45, 150))
        yield event(f"{ref}:3", citizen_id, "placement_ended", ended, {"reason": "ended_by_employer"})
        if citizen["target_group"] != "disability_pension":
            benefit = citizen["benefit"]
            resumed = {"type": benefit["type"], "monthly_amount": benefit["monthly_amount"]}
            yield event(f"{ref}:4", citizen_id, "benefit_resumed", ended, resumed)
    elif rng.random() < 0.3:
        changed = started + dt.timedelta(days=rng.randint(30, 150))
        yield event(f"{ref}:5", citizen_id, "hours_changed", changed, {"hours_per_week": min(37, hours + 5)})
