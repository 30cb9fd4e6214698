"""The taxonomy's plain data: skills, skill groups, occupations and the relations between skills."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from .credit import CreditScheme


@dataclass(frozen=True, slots=True)
class SkillGroup:
    code: str
    label: str
    broader: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Skill:
    code: str
    label: str
    groups: tuple[str, ...] = ()
    broader: tuple[str, ...] = ()
    transversal: bool = False


@dataclass(frozen=True, slots=True)
class Occupation:
    code: str
    label: str
    essential_skills: tuple[str, ...] = ()
    optional_skills: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ProgrammeOccupation:
    """An occupation of the jobs this programme fills, with its job family (cleaning, kitchen …)."""

    family: str
    occupation: Occupation


@dataclass(slots=True)
class Taxonomy:
    """Skills and occupations from one source, with taxonomy-aware partial credit between skills."""

    source: str
    skills: Mapping[str, Skill]
    occupations: Mapping[str, Occupation]
    skill_groups: Mapping[str, SkillGroup]
    # Symmetric ESCO skill-skill relations (or the starter vocabulary's own).
    related_skills: Mapping[str, frozenset[str]]
    programme: tuple[tuple[str, str], ...] = ()  # (family, occupation code)
    credit_scheme: CreditScheme = field(default_factory=CreditScheme)
    _narrower: dict[str, set[str]] = field(default_factory=dict, repr=False)
    _group_members: dict[str, set[str]] = field(default_factory=dict, repr=False)
    _neighbour_cache: dict[str, dict[str, float]] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        for skill in self.skills.values():
            for parent in skill.broader:
                self._narrower.setdefault(parent, set()).add(skill.code)
            for group in skill.groups:
                self._group_members.setdefault(group, set()).add(skill.code)

    def is_skill(self, code: str) -> bool:
        """True when `code` names a skill of this taxonomy."""
        return code in self.skills

    def is_occupation(self, code: str) -> bool:
        """True when `code` names an occupation of this taxonomy."""
        return code in self.occupations

    def skill_label(self, code: str) -> str:
        """The skill's preferred label, or the code itself when unknown."""
        skill = self.skills.get(code)
        return skill.label if skill else code

    def programme_occupations(self) -> list[ProgrammeOccupation]:
        """The occupations of the programme's job families (cleaning, kitchen, warehouse …)."""
        return [
            ProgrammeOccupation(family, self.occupations[code])
            for family, code in self.programme
            if code in self.occupations
        ]

    def credit_neighbours(self, code: str) -> Mapping[str, float]:
        """Skills that earn partial credit towards `code`, each with its credit (exact match excluded)."""
        cached = self._neighbour_cache.get(code)
        if cached is not None:
            return cached
        scheme = self.credit_scheme
        credit: dict[str, float] = {}

        def offer(other: str, value: float) -> None:
            if other != code and value > credit.get(other, 0.0):
                credit[other] = value

        skill = self.skills.get(code)
        if skill is not None:
            for sibling_source in (*skill.groups, *skill.broader):
                members = self._group_members.get(sibling_source) or self._narrower.get(sibling_source) or set()
                if len(members) <= scheme.max_sibling_group:
                    for other in members:
                        offer(other, scheme.sibling)
            for parent in skill.broader:
                offer(parent, scheme.broader_narrower)
        for child in self._narrower.get(code, ()):
            offer(child, scheme.broader_narrower)
        for other in self.related_skills.get(code, ()):
            offer(other, scheme.related)
        self._neighbour_cache[code] = credit
        return credit

    def skill_credit(self, have: Iterable[str], need: str) -> float:
        """Credit (0-1) that a person with skills `have` earns for the required skill `need`."""
        owned = set(have)
        if need in owned:
            return 1.0
        neighbours = self.credit_neighbours(need)
        return max((neighbours.get(code, 0.0) for code in owned), default=0.0)
