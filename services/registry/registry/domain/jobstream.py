"""Sweden's JobTech JobStream ads (format `jobtech-jobstream-v2`) → `ImportedAd`.

Source of the shape: Arbetsförmedlingen / JobTech Dev, JobStream API v2
(https://jobstream.api.jobtechdev.se, documented at https://data.arbetsformedlingen.se/ and
https://gitlab.com/arbetsformedlingen/job-ads/jobsearch/jobsearch-apis), the same ad document as
the JobSearch API (`/ad/{id}`); the field list as published in the API's Swagger model and seen
in public client code (e.g. github.com/PerRosen63/case-af src/models/IJob.ts, JobtechSwe's
sokannonser-api test resources). A stream (`/v2/stream?date=…`) returns every ad changed since a
time; an ad taken down comes back as a tombstone: `{"id": …, "removed": true, "removed_date": …}`.

Fields read (everything else is ignored):
- `id`, `headline`, `number_of_vacancies`, `publication_date`, `last_publication_date`
  (else `application_deadline`), `removed`
- `employer.organization_number` (organisationsnummer), `employer.name`
- `workplace_address.municipality_code` (SCB's 4-digit kommunkod), `.municipality`, `.postcode`,
  `.coordinates` ([longitude, latitude], GeoJSON order)
- `occupation.concept_id` / `.label` / `.legacy_ams_taxonomy_id`, `occupation_group` (its
  `legacy_ams_taxonomy_id` is the SSYK 2012 code)
- `must_have.skills[]` / `nice_to_have.skills[]` (`concept_id`, `label`, `weight`)
- `scope_of_work.min/max` (percent of full time), `working_hours_type.label` (Heltid / Deltid)

Hours: percent of a Swedish 40-hour week, clamped to the registry's 1-37 h scale (37 = full time).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from registry.domain import imported_ads as ads
from registry.domain.imported_ads import ConceptRole, ImportedAd, InvalidAd, SourceConcept, Workplace
from registry.domain.occupation_map import OccupationMap
from registry.domain.violations import Violation

FORMAT = "jobtech-jobstream-v2"
SWEDISH_FULL_TIME_HOURS = 40


def _skills(raw: Mapping[str, Any], part: str, role: ConceptRole, omap: OccupationMap) -> list[SourceConcept]:
    items = ads.obj(raw, part).get("skills") or []
    if not isinstance(items, list):
        raise InvalidAd([Violation(f"{part}.skills", "must be a list", "type")])
    found = []
    for i, item in enumerate(items):
        if not isinstance(item, Mapping):
            raise InvalidAd([Violation(f"{part}.skills.{i}", "must be an object", "type")])
        where = f"{part}.skills.{i}."
        code = ads.text(item, "concept_id", where=where) or ads.text(item, "legacy_ams_taxonomy_id", where=where)
        if code is None:
            raise InvalidAd([Violation(where + "concept_id", "is required", "missing")])
        found.append(
            SourceConcept(
                scheme="jobtech-skill",
                code=code,
                label=ads.text(item, "label", where=where),
                role=role,
                weight=ads.integer(item, "weight", where=where),
                mapped_to=omap.resolve("jobtech-skill", code),
            )
        )
    return found


def _hours(raw: Mapping[str, Any]) -> tuple[int, int]:
    scope = ads.obj(raw, "scope_of_work")
    low, high = ads.integer(scope, "min", where="scope_of_work."), ads.integer(scope, "max", where="scope_of_work.")
    if low is not None or high is not None:
        as_hours = [None if p is None else round(p * SWEDISH_FULL_TIME_HOURS / 100) for p in (low, high)]
        return ads.hours_range(as_hours[0], as_hours[1])
    return ads.hours_of_kind(
        ads.text(ads.obj(raw, "working_hours_type"), "label"), full_time="heltid", part_time="deltid"
    )


def _workplace(raw: Mapping[str, Any]) -> Workplace:
    address = ads.obj(raw, "workplace_address")
    code = ads.text(address, "municipality_code", where="workplace_address.")
    if code is not None and not (code.isdigit() and len(code) == 4):
        raise InvalidAd([Violation("workplace_address.municipality_code", "must be a 4-digit kommunkod", "invalid")])
    lat = lon = None
    coordinates = address.get("coordinates")
    if isinstance(coordinates, list) and len(coordinates) == 2 and all(c is not None for c in coordinates):
        lon = ads.number(coordinates[0], "workplace_address.coordinates.0")
        lat = ads.number(coordinates[1], "workplace_address.coordinates.1")
    postcode = ads.text(address, "postcode", where="workplace_address.")
    return Workplace(
        municipality_code=f"SE-{code}" if code else None,
        municipality_name=ads.text(address, "municipality", where="workplace_address."),
        postcode=postcode.replace(" ", "") if postcode else None,
        lat=lat,
        lon=lon,
    )


def parse_jobstream_ad(raw: Any, omap: OccupationMap) -> ImportedAd:
    """One JobStream v2 ad (or tombstone) as an `ImportedAd`; InvalidAd naming the fields otherwise."""
    raw, identifier = ads.identified(raw, id_field="id")
    if ads.taken_down(raw, "removed"):
        return ImportedAd(ref_prefix="jobtech", ad_id=identifier, removed=True)

    occupation, group = ads.obj(raw, "occupation"), ads.obj(raw, "occupation_group")
    ssyk = ads.text(group, "legacy_ams_taxonomy_id", where="occupation_group.")
    occupation_id = ads.text(occupation, "concept_id", where="occupation.")
    if occupation_id is None and ssyk is None:
        raise InvalidAd([Violation("occupation.concept_id", "an ad names its occupation", "missing")])
    concepts: list[SourceConcept] = []
    if occupation_id is not None:
        mapped = omap.resolve("jobtech-occupation", occupation_id) or omap.resolve("ssyk-2012", ssyk)
        concepts.append(
            SourceConcept(
                "jobtech-occupation", occupation_id, ads.text(occupation, "label"), "occupation", None, mapped
            )
        )
    if ssyk is not None:
        concepts.append(
            SourceConcept(
                "ssyk-2012", ssyk, ads.text(group, "label"), "occupation", None, omap.resolve("ssyk-2012", ssyk)
            )
        )
    concepts += _skills(raw, "must_have", "essential_skill", omap)
    concepts += _skills(raw, "nice_to_have", "optional_skill", omap)

    employer = ads.obj(raw, "employer")
    hours_min, hours_max = _hours(raw)
    return ImportedAd(
        ref_prefix="jobtech",
        ad_id=identifier,
        removed=False,
        title=ads.title(ads.text(raw, "headline") or ads.text(occupation, "label") or identifier),
        employer_name=ads.text(employer, "name", where="employer.")
        or ads.text(employer, "workplace", where="employer."),
        employer_number=ads.text(employer, "organization_number", where="employer."),
        workplace=_workplace(raw),
        hours_min=hours_min,
        hours_max=hours_max,
        seats=ads.seats(ads.integer(raw, "number_of_vacancies")),
        concepts=tuple(concepts),
        published=ads.timestamp(raw, "publication_date"),
        valid_through=ads.timestamp(raw, "last_publication_date") or ads.timestamp(raw, "application_deadline"),
    )
