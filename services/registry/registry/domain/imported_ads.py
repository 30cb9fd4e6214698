"""What every ad importer produces: one plain `ImportedAd` per published ad, format-independent.

The parsers (`jobstream.py`, `jobnet.py`) turn a published ad into an `ImportedAd`; the occupation
map (`occupation_map.py`) says which taxonomy occupation a source concept stands for. A concept the
loaded taxonomy does not know is kept as a `SourceConcept` with `mapped_to=None`: the opening is
imported with it recorded and flagged (`unmapped`), never dropped.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from registry.domain.violations import Violation
from registry.domain.vocabulary import MAX_WEEKLY_HOURS, MIN_WEEKLY_HOURS

ConceptRole = Literal["occupation", "essential_skill", "optional_skill"]
AdFormat = Literal["jobtech-jobstream-v2", "jobnet-v1"]
AD_FORMATS: tuple[AdFormat, ...] = ("jobtech-jobstream-v2", "jobnet-v1")
# The external_ref prefix of each format's openings: `jobtech:<ad id>`, `jobnet:<ad id>`.
REF_PREFIX: dict[AdFormat, str] = {"jobtech-jobstream-v2": "jobtech", "jobnet-v1": "jobnet"}
AD_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,90}$")
TITLE_MAX = 200


@dataclass(frozen=True, slots=True)
class SourceConcept:
    """A concept as the source names it, and the taxonomy code it maps to (None: unmapped)."""

    scheme: str  # jobtech-occupation, ssyk-2012, jobtech-skill, disco-08, jobnet-occupation
    code: str
    label: str | None
    role: ConceptRole
    weight: int | None = None
    mapped_to: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "scheme": self.scheme,
            "code": self.code,
            "label": self.label,
            "role": self.role,
            "weight": self.weight,
            "mapped_to": self.mapped_to,
        }


@dataclass(frozen=True, slots=True)
class Workplace:
    municipality_code: str | None  # the official code with country prefix (SE-0180, DK-0101)
    municipality_name: str | None
    postcode: str | None
    lat: float | None
    lon: float | None


@dataclass(frozen=True, slots=True)
class ImportedAd:
    """A published ad reduced to what an opening holds (or a tombstone: `removed`)."""

    ref_prefix: str
    ad_id: str
    removed: bool
    title: str = ""
    employer_name: str | None = None
    employer_number: str | None = None  # CVR / organisationsnummer as published
    workplace: Workplace | None = None
    hours_min: int = MIN_WEEKLY_HOURS
    hours_max: int = MAX_WEEKLY_HOURS
    seats: int = 1
    flexjob: bool = False
    conditions: tuple[str, ...] = ()  # work conditions as published (fleksjob, løntilskud …)
    concepts: tuple[SourceConcept, ...] = ()
    published: dt.datetime | None = None
    valid_through: dt.datetime | None = None

    @property
    def external_ref(self) -> str:
        return f"{self.ref_prefix}:{self.ad_id}"

    def occupation(self) -> SourceConcept | None:
        """The most specific occupation concept that maps, else the first one (unmapped)."""
        occupations = [c for c in self.concepts if c.role == "occupation"]
        return next((c for c in occupations if c.mapped_to), occupations[0] if occupations else None)


# --- small readers every parser shares: each raises InvalidAd naming the field ---------------------


class InvalidAd(Exception):
    """The ad does not have the published shape; the violations name its fields."""

    def __init__(self, violations: Sequence[Violation]) -> None:
        super().__init__(", ".join(v.field for v in violations))
        self.violations = list(violations)


def obj(raw: Mapping[str, Any], name: str) -> Mapping[str, Any]:
    """A nested object, or {} when absent/null."""
    value = raw.get(name)
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise InvalidAd([Violation(name, "must be an object", "type")])
    return value


def text(raw: Mapping[str, Any], name: str, *, where: str = "", required: bool = False) -> str | None:
    value = raw.get(name)
    if type(value) is str:  # the common case first: an import reads ~20 strings per ad
        value = value.strip()
        if value:
            return value
        value = None
    if value is None:
        if required:
            raise InvalidAd([Violation(where + name, "is required", "missing")])
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    raise InvalidAd([Violation(where + name, "must be a string", "type")])


def integer(raw: Mapping[str, Any], name: str, *, where: str = "") -> int | None:
    value = raw.get(name)
    if type(value) is int or value is None:
        return value
    if value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise InvalidAd([Violation(where + name, "must be an integer", "type")])
    try:
        return int(value)
    except ValueError:
        raise InvalidAd([Violation(where + name, "must be an integer", "type")]) from None


def number(value: Any, name: str) -> float | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise InvalidAd([Violation(name, "must be a number", "type")])
    try:
        return float(value)
    except ValueError:
        raise InvalidAd([Violation(name, "must be a number", "type")]) from None


def timestamp(raw: Mapping[str, Any], name: str, *, where: str = "") -> dt.datetime | None:
    """ISO 8601; a time without offset is read as UTC (JobTech and Jobnet publish local-less stamps)."""
    value = text(raw, name, where=where)
    if value is None or value.startswith("0001-01-01"):
        return None
    try:
        parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise InvalidAd([Violation(where + name, "must be an ISO 8601 date-time", "type")]) from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)


def ad_id(value: str | None, name: str) -> str:
    if value is None or not AD_ID.fullmatch(value):
        raise InvalidAd([Violation(name, "must be the ad's id (letters, digits, `._-`, ≤ 91)", "invalid")])
    return value


def identified(raw: Any, *, id_field: str) -> tuple[Mapping[str, Any], str]:
    """The ad as a JSON object, and its id (the source's `id_field`); InvalidAd otherwise."""
    if not isinstance(raw, Mapping):
        raise InvalidAd([Violation("item", "must be an object", "type")])
    return raw, ad_id(text(raw, id_field, required=True), id_field)


def taken_down(raw: Mapping[str, Any], field: str) -> bool:
    """Whether the source marks the ad removed (a tombstone); absent, it is not."""
    removed = raw.get(field)
    if removed is not None and not isinstance(removed, bool):
        raise InvalidAd([Violation(field, "must be a boolean", "type")])
    return bool(removed)


def hours_range(low: int | None, high: int | None) -> tuple[int, int]:
    """Weekly hours clamped to the registry's scale; a missing end takes the other's value."""
    lo = low if low is not None else (high if high is not None else MIN_WEEKLY_HOURS)
    hi = high if high is not None else max(lo, MAX_WEEKLY_HOURS if low is None else lo)
    lo, hi = (max(MIN_WEEKLY_HOURS, min(MAX_WEEKLY_HOURS, v)) for v in (lo, hi))
    return (lo, hi) if lo <= hi else (hi, lo)


def hours_of_kind(kind: str | None, *, full_time: str, part_time: str) -> tuple[int, int]:
    """Weekly hours when a source says only full or part time (Heltid / Fuldtid → 37, Deltid → 1-36)."""
    label = (kind or "").lower()
    if label.startswith(full_time):
        return MAX_WEEKLY_HOURS, MAX_WEEKLY_HOURS
    if label.startswith(part_time):
        return MIN_WEEKLY_HOURS, MAX_WEEKLY_HOURS - 1
    return MIN_WEEKLY_HOURS, MAX_WEEKLY_HOURS


def seats(value: int | None) -> int:
    return 1 if value is None or value < 1 else min(value, 1000)


def title(value: str | None) -> str:
    return (value or "")[:TITLE_MAX]
