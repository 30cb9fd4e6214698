"""Rules a job opening must meet beyond field shapes."""

from __future__ import annotations

from collections.abc import Sequence

from registry.domain.codes import CodeBook, duplicates, unknown_occupations, unknown_skills, unknown_support_needs
from registry.domain.violations import Violation

# The organisations that may offer a job opening.
EMPLOYER_KINDS = frozenset({"company", "social_enterprise", "municipal_unit"})


def opening_violations(
    *,
    book: CodeBook,
    occupation: str,
    skills: Sequence[str],
    hours_min: int,
    hours_max: int,
    support_offered: Sequence[str],
) -> list[Violation]:
    """Every rule the opening breaks, each naming its field."""
    found: list[Violation] = []
    found += unknown_occupations(book, "occupation", [occupation])
    found += unknown_skills(book, "skills.{}.code", skills)
    found += duplicates("skills.{}.code", skills)
    if hours_max < hours_min:
        found.append(Violation("hours_per_week.max", "must be at least hours_per_week.min", "range_order"))
    found += unknown_support_needs("support_offered.{}", support_offered)
    found += duplicates("support_offered.{}", support_offered)
    return found
