"""Taxonomy versions: carry profiles' concepts over to a newer ESCO or JobTech taxonomy.

A newer version retires concepts. Both sources say what took a retired concept's place:

- **ESCO** publishes every concept with a status ("released"; retired ones "obsolete") and, in its
  RDF and API, `dcterms:isReplacedBy` from an obsolete concept to the concept(s) that replace it.
  `esco_changes` reads CSV-shaped rows of a version (`conceptUri`, `status` and, where the export
  carries it, `isReplacedBy`: one or more URIs separated by whitespace, newlines or `|`).
- **JobTech Taxonomy** (Arbetsförmedlingen) marks retired concepts `deprecated: true` with a
  `replaced_by` list of concepts (GraphQL `concepts(include_deprecated: true) { id deprecated
  replaced_by { id } }`, and its changes feed). `jobtech_changes` reads those concept objects.

`remap_profiles` maps each profile's codes onto the new version: a code still released stays; a
retired one is replaced by what replaces it (followed through chains of replacements, to released
concepts only); a code that cannot be mapped is KEPT as it is, so no one loses a skill, and the
report lists it with the reason. Plain data in, plain data out: callers load and store.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

RELEASED = "released"
_SEPARATORS = re.compile(r"[\s|]+")


@dataclass(frozen=True, slots=True)
class Changes:
    """What a new version holds: its released codes and, per retired code, its replacements."""

    source: str
    released: frozenset[str]
    replaced_by: Mapping[str, tuple[str, ...]]
    retired: frozenset[str] = frozenset()

    def resolve(self, code: str) -> tuple[str, ...] | None:
        """The released codes that now stand for `code` (itself when released); None when it cannot
        be mapped (retired without a released replacement, or unknown to the version)."""
        if code in self.released:
            return (code,)
        found: list[str] = []
        seen: set[str] = set()
        pending = [code]
        while pending:
            current = pending.pop(0)
            if current in seen:
                continue
            seen.add(current)
            if current in self.released:
                if current not in found:
                    found.append(current)
                continue
            pending.extend(self.replaced_by.get(current, ()))
        return tuple(found) or None

    def unmapped_reason(self, code: str) -> str:
        """Why `code` cannot be mapped (resolve answered None)."""
        return "retired_without_replacement" if code in self.retired else "unknown_in_version"


def _uris(value: str | None) -> tuple[str, ...]:
    return tuple(part for part in _SEPARATORS.split(value or "") if part)


def esco_changes(rows: Iterable[Mapping[str, str]], *, source: str) -> Changes:
    """A version from ESCO concept rows (skills_en.csv, occupations_en.csv shaped)."""
    released: set[str] = set()
    retired: set[str] = set()
    replaced_by: dict[str, tuple[str, ...]] = {}
    for row in rows:
        code = row["conceptUri"].strip()
        status = (row.get("status") or RELEASED).strip().lower()
        if status == RELEASED:
            released.add(code)
        else:
            retired.add(code)
        replacements = _uris(row.get("isReplacedBy"))
        if replacements:
            replaced_by[code] = replacements
    return Changes(source, frozenset(released), replaced_by, frozenset(retired))


def jobtech_changes(concepts: Iterable[Mapping[str, Any]], *, source: str) -> Changes:
    """A version from JobTech Taxonomy concept objects ({id, deprecated, replaced_by: [{id}]})."""
    released: set[str] = set()
    retired: set[str] = set()
    replaced_by: dict[str, tuple[str, ...]] = {}
    for concept in concepts:
        code = str(concept["id"])
        if concept.get("deprecated"):
            retired.add(code)
        else:
            released.add(code)
        replacements = tuple(str(r["id"]) for r in concept.get("replaced_by") or ())
        if replacements:
            replaced_by[code] = replacements
    return Changes(source, frozenset(released), replaced_by, frozenset(retired))


def _esco_rows(paths: Iterable[Path]) -> Iterator[dict[str, str]]:
    for path in paths:
        with path.open(encoding="utf-8", newline="") as handle:
            yield from csv.DictReader(handle)


def load_changes(esco_csv: list[Path], jobtech_json: Path | None) -> Changes:
    """A new version from its files: ESCO concept CSVs (skills, occupations), or a JobTech concepts answer
    (the GraphQL answer `{"data": {"concepts": [...]}}` or the bare list)."""
    if jobtech_json is not None:
        payload = json.loads(jobtech_json.read_text(encoding="utf-8"))
        concepts = payload["data"]["concepts"] if isinstance(payload, dict) else payload
        return jobtech_changes(concepts, source=jobtech_json.name)
    return esco_changes(_esco_rows(esco_csv), source="+".join(p.name for p in esco_csv))


@dataclass(frozen=True, slots=True)
class Remapped:
    owner: str
    old: str
    new: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Unmapped:
    owner: str
    code: str
    reason: str  # "retired_without_replacement" | "unknown_in_version"


@dataclass(slots=True)
class RemapReport:
    """What was remapped and what could not be, per profile (`owner`: a citizen or opening id)."""

    source: str
    profiles: int = 0
    unchanged_codes: int = 0
    remapped: list[Remapped] = field(default_factory=list)
    unmapped: list[Unmapped] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "profiles": self.profiles,
            "unchanged_codes": self.unchanged_codes,
            "remapped": [{"owner": r.owner, "old": r.old, "new": list(r.new)} for r in self.remapped],
            "unmapped": [{"owner": u.owner, "code": u.code, "reason": u.reason} for u in self.unmapped],
        }


def remap_profiles(
    profiles: Mapping[str, Iterable[str]], changes: Changes
) -> tuple[dict[str, frozenset[str]], RemapReport]:
    """Each profile's codes in the new version, and the report. Nothing is dropped: a code that
    cannot be mapped stays in the profile and is listed as unmapped."""
    report = RemapReport(source=changes.source)
    result: dict[str, frozenset[str]] = {}
    for owner, codes in profiles.items():
        report.profiles += 1
        mapped: set[str] = set()
        for code in sorted(set(codes)):
            found = changes.resolve(code)
            if found == (code,):
                report.unchanged_codes += 1
                mapped.add(code)
            elif found is not None:
                report.remapped.append(Remapped(owner, code, found))
                mapped.update(found)
            else:
                report.unmapped.append(Unmapped(owner, code, changes.unmapped_reason(code)))
                mapped.add(code)
        result[owner] = frozenset(mapped)
    return result, report
