"""An opening as schema.org `JobPosting` JSON-LD (https://schema.org/JobPosting).

`occupationalCategory` is a `CategoryCode` naming the ESCO occupation (its URI as `@id` and
`codeValue`, in the ESCO occupations `CategoryCodeSet`); with the starter vocabulary the code's
ESCO URI comes from the vocabulary's own ESCO column. An occupation without an ESCO URI (an
unmapped source concept) is written as a CategoryCode of its source scheme.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

ESCO_OCCUPATIONS = "http://data.europa.eu/esco/occupation"
ESCO_SCHEME = "https://esco.ec.europa.eu/en/classification/occupation_main"
FULL_TIME_HOURS = 37
COUNTRY_NAME = {"DK": "DK", "SE": "SE"}


def _category(occupation: str, esco_uri: str | None, label: str | None) -> dict[str, Any]:
    if esco_uri:
        return {
            "@type": "CategoryCode",
            "@id": esco_uri,
            "codeValue": esco_uri,
            "name": label,
            "inCodeSet": {"@type": "CategoryCodeSet", "@id": ESCO_SCHEME, "name": "ESCO occupations"},
        }
    scheme, _, code = occupation.rpartition(":")
    return {"@type": "CategoryCode", "codeValue": code or occupation, "name": label, "inCodeSet": scheme or None}


def employment_types(hours_min: int, hours_max: int, flexjob: bool) -> list[str]:
    kinds = (
        ["FULL_TIME"]
        if hours_min >= FULL_TIME_HOURS
        else ["PART_TIME"]
        if hours_max < FULL_TIME_HOURS
        else ["FULL_TIME", "PART_TIME"]
    )
    return kinds + (["OTHER"] if flexjob else [])


def job_posting(
    opening: Mapping[str, Any],
    *,
    employer: Mapping[str, Any] | None,
    esco_uri: str | None,
    occupation_label: str | None,
    skill_labels: Mapping[str, str],
    base_url: str,
) -> dict[str, Any]:
    """The JSON-LD document; `opening` is the opening's read model as JSON (OpeningRead.model_dump(mode="json"))."""
    hours = opening["hours_per_week"]
    location = opening.get("location") or {}
    country = str(opening["municipality"]).split("-", 1)[0]
    address: dict[str, Any] = {"@type": "PostalAddress", "addressCountry": COUNTRY_NAME.get(country, country)}
    if location.get("postcode"):
        address["postalCode"] = location["postcode"]
    place: dict[str, Any] = {"@type": "Place", "address": address}
    if location.get("lat") is not None:
        place["geo"] = {"@type": "GeoCoordinates", "latitude": location["lat"], "longitude": location["lon"]}
    organisation: dict[str, Any] = {"@type": "Organization"}
    if employer is not None:
        organisation["name"] = employer.get("name")
        if employer.get("registration_number"):
            organisation["identifier"] = {
                "@type": "PropertyValue",
                "propertyID": "CVR" if country == "DK" else "organisationsnummer",
                "value": employer["registration_number"],
            }
    work_hours = (
        f"{hours['min']} hours per week"
        if hours["min"] == hours["max"]
        else f"{hours['min']}-{hours['max']} hours per week"
    )
    document: dict[str, Any] = {
        "@context": "https://schema.org/",
        "@type": "JobPosting",
        "@id": f"{base_url}/v1/openings/{opening['id']}",
        "identifier": {"@type": "PropertyValue", "propertyID": "external_ref", "value": opening["external_ref"]},
        "title": opening["title"],
        "datePosted": opening["created_at"],
        "validThrough": opening.get("valid_through"),
        "hiringOrganization": organisation,
        "jobLocation": place,
        "employmentType": employment_types(hours["min"], hours["max"], opening["flexjob"]),
        "workHours": work_hours,
        "totalJobOpenings": opening["seats"],
        "occupationalCategory": _category(opening["occupation"], esco_uri, occupation_label),
        "skills": [
            {
                "@type": "DefinedTerm",
                "@id": s["code"] if s["code"].startswith("http") else None,
                "termCode": s["code"],
                "name": skill_labels.get(s["code"], s["code"]),
                "description": "essential" if s["essential"] else "optional",
            }
            for s in opening.get("skills", [])
        ],
        "jobImmediateStart": opening["status"] == "open",
    }
    if opening["status"] != "open":
        document["validThrough"] = document["validThrough"] or opening["updated_at"]
    return document
