"""Skill, occupation and support-need codes checked against the loaded taxonomy and vocabulary."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

from registry.domain.violations import Violation
from registry.domain.vocabulary import is_support_need


class CodeBook(Protocol):
    """What the registry needs of a taxonomy (libs/taxonomy's Taxonomy satisfies it)."""

    def is_skill(self, code: str) -> bool: ...

    def is_occupation(self, code: str) -> bool: ...

    def skill_label(self, code: str) -> str: ...


def unknown_skills(book: CodeBook, field: str, codes: Iterable[str]) -> list[Violation]:
    """One violation per skill code the taxonomy does not hold (field like `skills.2.code`)."""
    return [
        Violation(field.format(i), "not a skill code of the loaded taxonomy", "unknown_skill")
        for i, code in enumerate(codes)
        if not book.is_skill(code)
    ]


def unknown_occupations(book: CodeBook, field: str, codes: Iterable[str]) -> list[Violation]:
    """One violation per occupation code the taxonomy does not hold."""
    return [
        Violation(field.format(i), "not an occupation code of the loaded taxonomy", "unknown_occupation")
        for i, code in enumerate(codes)
        if not book.is_occupation(code)
    ]


def unknown_support_needs(field: str, codes: Iterable[str]) -> list[Violation]:
    """One violation per code that is neither a core support need nor an `x-` custom code."""
    return [
        Violation(field.format(i), "not a core support-need code nor a custom `x-…` code", "unknown_support_need")
        for i, code in enumerate(codes)
        if not is_support_need(code)
    ]


def duplicates(field: str, codes: Iterable[str]) -> list[Violation]:
    """One violation per code listed a second time."""
    seen: set[str] = set()
    found = []
    for i, code in enumerate(codes):
        if code in seen:
            found.append(Violation(field.format(i), "listed more than once", "duplicate"))
        seen.add(code)
    return found
