"""Source occupation codes → the loaded taxonomy's occupations, built from ESCO's own data.

ESCO gives every occupation its ISCO-08 unit group (`iscoGroup` in occupations_en.csv) and an
ESCO code (`code`, e.g. `9412.1`). Denmark's DISCO-08 and Sweden's SSYK 2012 are national versions
of ISCO-08: a DISCO-08 code's first four digits are its ISCO-08 unit group; SSYK 2012 follows
ISCO-08's structure and most of its 4-digit codes equal the ISCO-08 unit group (where SSYK splits
or regroups a unit the match is approximate: the opening keeps the source concept so the
jobcenter can correct it). Per ISCO-08 unit group the map chooses one occupation of the loaded
taxonomy: the programme's own occupation in that group if there is one (lowest ESCO code), else
the group's lowest ESCO code (ESCO numbers a group's head occupation `.1`).

`explicit` holds one-to-one mappings a deployment configures (e.g. JobTech concept id → ESCO
occupation); they win over the ISCO route. ESCO is read only from the configured folder at start-up
(never copied into the repository).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from registry.domain.codes import CodeBook

ISCO_SCHEMES = frozenset({"isco-08", "disco-08", "ssyk-2012"})


@dataclass(frozen=True)
class OccupationMap:
    by_isco: Mapping[str, str] = field(default_factory=dict)
    explicit: Mapping[tuple[str, str], str] = field(default_factory=dict)
    source: str = "none"
    # For the JSON-LD export: taxonomy occupation code → its ESCO URI and its label.
    esco_uri: Mapping[str, str] = field(default_factory=dict)
    labels: Mapping[str, str] = field(default_factory=dict)

    def resolve(self, scheme: str, code: str | None) -> str | None:
        """The taxonomy code the source concept stands for, or None (unmapped)."""
        if not code:
            return None
        if (scheme, code) in self.explicit:
            return self.explicit[(scheme, code)]
        if scheme in ISCO_SCHEMES:
            group = code.strip()[:4]
            return self.by_isco.get(group) if group.isdigit() and len(group) == 4 else None
        return None


def _esco_sort_key(code: str) -> tuple[int, ...]:
    return tuple(int(part) if part.isdigit() else 0 for part in code.split("."))


def build_occupation_map(
    esco_occupations: Iterable[Mapping[str, str]],
    *,
    book: CodeBook,
    programme: Mapping[str, str],
    source: str,
    explicit: Mapping[tuple[str, str], str] | None = None,
    labels: Mapping[str, str] | None = None,
) -> OccupationMap:
    """`esco_occupations`: rows with conceptUri, iscoGroup, code (occupations_en.csv).
    `programme`: ESCO URI → taxonomy code of the programme's occupations (the starter vocabulary
    names its occupations by their own codes; with ESCO loaded the URI is the code)."""
    groups: dict[str, list[tuple[tuple[int, ...], bool, str]]] = {}
    for row in esco_occupations:
        uri, group = row.get("conceptUri", ""), row.get("iscoGroup", "")
        code = programme.get(uri) or (uri if book.is_occupation(uri) else None)
        if not code or len(group) != 4:
            continue
        groups.setdefault(group, []).append((_esco_sort_key(row.get("code", "")), uri not in programme, code))
    by_isco = {group: min(options, key=lambda o: (o[1], o[0]))[2] for group, options in groups.items()}
    esco_uri = {code: uri for uri, code in programme.items()}
    return OccupationMap(
        by_isco=by_isco, explicit=dict(explicit or {}), source=source, esco_uri=esco_uri, labels=dict(labels or {})
    )
