"""An imported ad → the row values of its opening (plain data; the usecase adds ids and tenancy)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from registry.domain.content_hash import content_hash
from registry.domain.imported_ads import ImportedAd, SourceConcept
from registry.domain.jobnet import support_codes

# The registry's Location: Danish postcodes have 4 digits, Swedish 5 (schemas.common.POSTCODE_PATTERN).
POSTCODE = re.compile(r"^\d{4}$|^\d{3} ?\d{2}$")


def unmapped_of(concepts: Iterable[Mapping[str, Any]]) -> list[str]:
    """`scheme:code` of each stored source concept without a taxonomy code."""
    return [f"{c['scheme']}:{c['code']}" for c in concepts if not c.get("mapped_to")]


def occupation_code(ad: ImportedAd) -> str:
    """The taxonomy occupation, or the source concept itself (`scheme:code`) when it maps to none."""
    concept = ad.occupation()
    if concept is None:
        return "unmapped:occupation"
    return concept.mapped_to or f"{concept.scheme}:{concept.code}"[:300]


def _skills(concepts: Iterable[SourceConcept]) -> list[dict[str, Any]]:
    """Mapped skills, essential first; a skill listed as both counts as essential."""
    chosen: dict[str, bool] = {}
    for concept in concepts:
        if concept.mapped_to and concept.role != "occupation":
            essential = concept.role == "essential_skill"
            chosen[concept.mapped_to] = chosen.get(concept.mapped_to, False) or essential
    ordered = sorted(chosen.items(), key=lambda item: not item[1])
    return [{"code": code, "essential": essential} for code, essential in ordered][:100]


def _location(ad: ImportedAd) -> dict[str, Any] | None:
    place = ad.workplace
    if place is None or place.postcode is None or place.lat is None or place.lon is None:
        return None
    if not POSTCODE.fullmatch(place.postcode) or not (-90 <= place.lat <= 90 and -180 <= place.lon <= 180):
        return None
    return {"postcode": place.postcode, "lat": place.lat, "lon": place.lon}


def opening_fields(ad: ImportedAd, *, organisation_id: str) -> dict[str, Any]:
    """The stored fields of the ad's opening, with the content hash that tells `unchanged` from `updated`."""
    fields: dict[str, Any] = {
        "organisation_id": organisation_id,
        "title": ad.title,
        "occupation": occupation_code(ad),
        "skills": _skills(ad.concepts),
        "seats": ad.seats,
        "support_offered": support_codes(ad.conditions),
        "flexjob": ad.flexjob,
        "location": _location(ad),
        "status": "open",
        "hours_min": ad.hours_min,
        "hours_max": ad.hours_max,
        "source_concepts": [c.as_dict() for c in ad.concepts],
        "valid_through": ad.valid_through.isoformat() if ad.valid_through else None,
    }
    return {**fields, "content_hash": content_hash(fields)}
