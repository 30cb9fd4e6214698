"""Carrying a citizen's or an opening's codes over to a newer taxonomy version, and the run's report.

`taxonomy.versions.Changes` says what a retired concept became (chains followed, splits kept as
several). Here that is applied to the registry's shapes: skills keep their level (citizens) or
`essential` flag (openings) on every replacement; two skills that become one code merge (the
higher level; essential if either was); interests are occupation codes; an opening has ONE
occupation, so a split occupation stays as it is and is listed (`replaced_by_several`, with the
candidates) for a person to choose. A code that cannot be mapped is kept, never dropped, and listed.
The report holds ids and codes only: no names, no national ids.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from registry.domain.codes import CodeBook
from taxonomy.versions import Changes

SKILL = "skill"
OCCUPATION = "occupation"
LEVELS: tuple[str | None, ...] = (None, "basic", "intermediate", "advanced")
SPLIT_OCCUPATION = "replaced_by_several"


@dataclass(frozen=True, slots=True)
class Remap:
    """One record's codes in the new version: the changed fields (empty: nothing to write), what was
    remapped (kind, old, new) and what could not be (kind, code, reason, candidates)."""

    values: dict[str, Any]
    remapped: list[tuple[str, str, tuple[str, ...]]] = field(default_factory=list)
    unmapped: list[tuple[str, str, str, tuple[str, ...]]] = field(default_factory=list)


def _merged(kept: dict[str, Any], other: dict[str, Any]) -> dict[str, Any]:
    """Two skills that now share a code: essential if either was, the higher level."""
    merged = dict(kept)
    if "essential" in kept or "essential" in other:
        merged["essential"] = bool(kept.get("essential")) or bool(other.get("essential"))
    if "level" in kept or "level" in other:
        merged["level"] = max(kept.get("level"), other.get("level"), key=LEVELS.index)
    return merged


class _Mapping:
    """The resolution of each code of one record, and what it reports."""

    def __init__(self, changes: Changes) -> None:
        self.changes = changes
        self.remapped: list[tuple[str, str, tuple[str, ...]]] = []
        self.unmapped: list[tuple[str, str, str, tuple[str, ...]]] = []

    def targets(self, kind: str, code: str) -> tuple[str, ...]:
        found = self.changes.resolve(code)
        if found is None:
            self.unmapped.append((kind, code, self.changes.unmapped_reason(code), ()))
            return (code,)
        if found != (code,):
            self.remapped.append((kind, code, found))
        return found

    def skills(self, skills: list[dict[str, Any]]) -> list[dict[str, Any]]:
        by_code: dict[str, dict[str, Any]] = {}
        for skill in skills:
            for code in self.targets(SKILL, skill["code"]):
                carried = {**skill, "code": code}
                by_code[code] = _merged(by_code[code], carried) if code in by_code else carried
        return list(by_code.values())

    def occupations(self, codes: list[str]) -> list[str]:
        return list(dict.fromkeys(target for code in codes for target in self.targets(OCCUPATION, code)))

    def occupation(self, code: str) -> str:
        found = self.changes.resolve(code)
        if found is None:
            self.unmapped.append((OCCUPATION, code, self.changes.unmapped_reason(code), ()))
            return code
        if len(found) > 1:
            self.unmapped.append((OCCUPATION, code, SPLIT_OCCUPATION, found))
            return code
        if found != (code,):
            self.remapped.append((OCCUPATION, code, found))
        return found[0]

    def remap(self, before: dict[str, Any], after: dict[str, Any]) -> Remap:
        changed = {name: value for name, value in after.items() if value != before[name]}
        return Remap(changed, self.remapped, self.unmapped)


def remap_citizen(*, skills: list[dict[str, Any]], interests: list[str], changes: Changes) -> Remap:
    """A citizen's skills and occupational interests in the new version."""
    mapping = _Mapping(changes)
    after = {"skills": mapping.skills(skills), "interests": mapping.occupations(interests)}
    return mapping.remap({"skills": skills, "interests": interests}, after)


def remap_opening(*, occupation: str, skills: list[dict[str, Any]], changes: Changes) -> Remap:
    """An opening's occupation and skills in the new version."""
    mapping = _Mapping(changes)
    after = {"occupation": mapping.occupation(occupation), "skills": mapping.skills(skills)}
    return mapping.remap({"occupation": occupation, "skills": skills}, after)


@dataclass
class RemapReport:
    """A run over citizens and openings: counts per entity, each remapped and unmapped code with the
    number of records holding it (per entity)."""

    run_id: str
    source: str
    dry_run: bool
    municipality: str | None
    records: dict[str, Counter[str]] = field(default_factory=dict)
    remapped: dict[tuple[str, str, tuple[str, ...]], Counter[str]] = field(default_factory=dict)
    unmapped: dict[tuple[str, str, str, tuple[str, ...]], Counter[str]] = field(default_factory=dict)
    # Replacements the registry's loaded taxonomy does not hold: a later change of such a record is
    # refused (unknown code) until the new version is loaded (REGISTRY_ESCO_DIR).
    not_in_loaded_taxonomy: list[str] = field(default_factory=list)

    def count(self, entity: str, outcome: str, n: int = 1) -> None:
        self.records.setdefault(entity, Counter())[outcome] += n

    def add(self, entity: str, remap: Remap) -> None:
        """One record seen (its writing is counted by the caller)."""
        self.count(entity, "seen")
        for key in set(remap.remapped):
            self.remapped.setdefault(key, Counter())[entity] += 1
        for unmapped in set(remap.unmapped):
            self.unmapped.setdefault(unmapped, Counter())[entity] += 1

    def check_loaded(self, book: CodeBook) -> None:
        """Note the replacements written that `book` (the registry's loaded taxonomy) does not hold."""
        known = {SKILL: book.is_skill, OCCUPATION: book.is_occupation}
        self.not_in_loaded_taxonomy = sorted(
            {code for kind, _, new in self.remapped for code in new if not known[kind](code)}
        )

    def as_dict(self) -> dict[str, Any]:
        def per_entity(counter: Counter[str]) -> dict[str, int]:
            return {"citizens": counter["citizen"], "openings": counter["opening"]}

        return {
            "run_id": self.run_id,
            "source": self.source,
            "dry_run": self.dry_run,
            "municipality": self.municipality,
            "records": {
                f"{entity}s": {name: counts[name] for name in ("seen", "changed", "unchanged", "skipped_concurrent")}
                for entity, counts in sorted(self.records.items())
            },
            "remapped": [
                {"kind": kind, "old": old, "new": list(new), **per_entity(counter)}
                for (kind, old, new), counter in sorted(self.remapped.items())
            ],
            "unmapped": [
                {"kind": kind, "code": code, "reason": reason, "candidates": list(candidates), **per_entity(counter)}
                for (kind, code, reason, candidates), counter in sorted(self.unmapped.items())
            ],
            "not_in_loaded_taxonomy": self.not_in_loaded_taxonomy,
        }
