"""Rules a citizen's data must meet beyond field shapes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from registry.domain.codes import CodeBook, duplicates, unknown_occupations, unknown_skills, unknown_support_needs
from registry.domain.dates import not_in_future
from registry.domain.violations import Violation

CURRENCY_OF_COUNTRY = {"DK": "DKK", "SE": "SEK"}


def citizen_violations(
    *,
    book: CodeBook,
    country: str,
    now: dt.datetime,
    birth_year: int | None,
    national_id_birth_year: int | None,
    benefit_currency: str | None,
    benefit_since: dt.date | None,
    consent_given_at: dt.datetime | None,
    skills: Sequence[str],
    support_needs: Sequence[str],
    interests: Sequence[str],
) -> list[Violation]:
    """Every rule the citizen breaks, each naming its field."""
    found: list[Violation] = []
    if birth_year is not None and birth_year > now.year:
        found.append(Violation("birth_year", "lies in the future", "future_date"))
    if birth_year is not None and national_id_birth_year is not None and birth_year != national_id_birth_year:
        found.append(Violation("birth_year", "does not match the national id's birth date", "mismatch"))
    if benefit_currency is not None and benefit_currency != CURRENCY_OF_COUNTRY.get(country):
        found.append(
            Violation("benefit.currency", f"must be {CURRENCY_OF_COUNTRY.get(country)} in {country}", "currency")
        )
    found += not_in_future(benefit_since, field="benefit.since", now=now)
    found += not_in_future(consent_given_at, field="consent.given_at", now=now)
    found += unknown_skills(book, "skills.{}.code", skills)
    found += duplicates("skills.{}.code", skills)
    found += unknown_support_needs("support_needs.{}.code", support_needs)
    found += duplicates("support_needs.{}.code", support_needs)
    found += unknown_occupations(book, "interests.{}", interests)
    found += duplicates("interests.{}", interests)
    return found
