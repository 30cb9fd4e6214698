"""Denmark's Jobnet job postings (format `jobnet-v1`) → `ImportedAd`.

Source of the shape: Jobnet (STAR, Styrelsen for Arbejdsmarked og Rekruttering) publishes no
documented open API. The field names below are those of Jobnet's public job search JSON
(`https://job.jobnet.dk/CV/FindWork/Search`, a `JobPositionPostings` list, and the detail document
`JobDetailJsonWIDK?id=…`) as recorded in public code: numbworks/NW.WIDJobs,
docs/Documentation-NW.WIDJobs.md (GetJobPage / GetJobPostingExtended). Confirmed there and read:
`ID`, `Title`, `HiringOrgName`, `HiringOrgCVR`, `WorkPlaceAddress`, `WorkPlacePostalCode`,
`WorkPlaceCity`, `Municipality` (a name), `PostingCreated`, `LastDateApplication`, `WorkHours`
(Fuldtid / Deltid), `JoblogWorkTime.WorkHour` ("(34 - 36 timer ugentligt)"), `Occupation` (a
label), `JobAnnouncementType`, `EmploymentType`, `Location.Latitude/Longitude`, `NumberToFill`.

Not confirmed by any public source we found, and therefore a subset we define and document
(a jobcenter's export adds them; without them the posting still imports):
- `MunicipalityCode`: the 3-digit kommunekode (else `Municipality` is matched by name against the
  registry's municipalities);
- `OccupationCode`: the DISCO-08 code (6 digits; its first four are the ISCO-08 unit group) or a
  STAR occupation code (`scheme` `star-occupation`, unmapped unless configured);
- `WorkConditions`: a list of the conditions a posting is offered under — `Fleksjob`,
  `Løntilskud`, `Virksomhedspraktik` (also recognised when `JobAnnouncementType` names one);
- `Removed`: true when the posting was withdrawn (Jobnet has no tombstone stream; an export marks it).

Conditions map to the opening: fleksjob → `flexjob: true`; løntilskud → support code
`x-loentilskud`; virksomhedspraktik → `x-virksomhedspraktik` (the registry's `x-` custom codes).
Hours: the numbers of `JoblogWorkTime.WorkHour`, else Fuldtid → 37, Deltid → 1-36.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from registry.domain import imported_ads as ads
from registry.domain.imported_ads import ImportedAd, InvalidAd, SourceConcept, Workplace
from registry.domain.occupation_map import OccupationMap
from registry.domain.violations import Violation

FORMAT = "jobnet-v1"
# Work conditions as Jobnet names them (lower-cased, without diacritics folding) → support code.
CONDITIONS = {"fleksjob": None, "løntilskud": "x-loentilskud", "virksomhedspraktik": "x-virksomhedspraktik"}
HOURS = re.compile(r"(\d{1,2})(?:[,.]\d+)?")


def _conditions(raw: Mapping[str, Any]) -> tuple[str, ...]:
    listed = raw.get("WorkConditions") or []
    if not isinstance(listed, list) or not all(isinstance(c, str) for c in listed):
        raise InvalidAd([Violation("WorkConditions", "must be a list of strings", "type")])
    announcement = ads.text(raw, "JobAnnouncementType")
    names = [c.strip().lower() for c in listed] + ([announcement.lower()] if announcement else [])
    found: list[str] = []
    for name in names:
        for condition in CONDITIONS:
            if condition in name and condition not in found:
                found.append(condition)
    return tuple(found)


def _hours(raw: Mapping[str, Any]) -> tuple[int, int]:
    described = ads.text(ads.obj(raw, "JoblogWorkTime"), "WorkHour", where="JoblogWorkTime.")
    numbers = [int(n) for n in HOURS.findall(described or "")]
    if numbers:
        return ads.hours_range(min(numbers), max(numbers))
    return ads.hours_of_kind(ads.text(raw, "WorkHours"), full_time="fuldtid", part_time="deltid")


def _workplace(raw: Mapping[str, Any]) -> Workplace:
    code = ads.text(raw, "MunicipalityCode")
    if code is not None and not (code.isdigit() and 1 <= len(code) <= 4):
        raise InvalidAd([Violation("MunicipalityCode", "must be a 3-digit kommunekode", "invalid")])
    location = ads.obj(raw, "Location")
    lat = ads.number(location.get("Latitude", raw.get("Latitude")), "Location.Latitude")
    lon = ads.number(location.get("Longitude", raw.get("Longitude")), "Location.Longitude")
    postcode = ads.text(raw, "WorkPlacePostalCode") or ads.text(raw, "PostalCode")
    return Workplace(
        municipality_code=f"DK-{int(code):04d}" if code else None,
        municipality_name=ads.text(raw, "Municipality"),
        postcode=postcode,
        lat=lat,
        lon=lon,
    )


def _occupation(raw: Mapping[str, Any], omap: OccupationMap) -> list[SourceConcept]:
    code, label = ads.text(raw, "OccupationCode"), ads.text(raw, "Occupation")
    if code is not None:
        scheme = "disco-08" if code.isdigit() and len(code) in (4, 6) else "star-occupation"
        return [SourceConcept(scheme, code, label, "occupation", None, omap.resolve(scheme, code))]
    if label is not None:
        return [
            SourceConcept(
                "jobnet-occupation", label, label, "occupation", None, omap.resolve("jobnet-occupation", label)
            )
        ]
    raise InvalidAd(
        [Violation("Occupation", "a posting names its occupation (Occupation or OccupationCode)", "missing")]
    )


def parse_jobnet_posting(raw: Any, omap: OccupationMap) -> ImportedAd:
    """One Jobnet posting as an `ImportedAd`; InvalidAd naming the fields otherwise."""
    raw, identifier = ads.identified(raw, id_field="ID")
    if ads.taken_down(raw, "Removed"):
        return ImportedAd(ref_prefix="jobnet", ad_id=identifier, removed=True)
    conditions = _conditions(raw)
    hours_min, hours_max = _hours(raw)
    cvr = raw.get("HiringOrgCVR")
    return ImportedAd(
        ref_prefix="jobnet",
        ad_id=identifier,
        removed=False,
        title=ads.title(
            ads.text(raw, "Title") or ads.text(raw, "JobHeadline") or ads.text(raw, "Occupation") or identifier
        ),
        employer_name=ads.text(raw, "HiringOrgName"),
        employer_number=None
        if cvr in (None, "", 0)
        else f"{int(cvr):08d}"
        if isinstance(cvr, int)
        else ads.text(raw, "HiringOrgCVR"),
        workplace=_workplace(raw),
        hours_min=hours_min,
        hours_max=hours_max,
        seats=ads.seats(ads.integer(raw, "NumberToFill")),
        flexjob="fleksjob" in conditions,
        conditions=conditions,
        concepts=tuple(_occupation(raw, omap)),
        published=ads.timestamp(raw, "PostingCreated"),
        valid_through=ads.timestamp(raw, "LastDateApplication"),
    )


def support_codes(conditions: tuple[str, ...]) -> list[str]:
    """The registry support codes the posting's conditions stand for."""
    return [code for c in conditions if (code := CONDITIONS.get(c))]
