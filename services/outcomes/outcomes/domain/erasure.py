"""The pseudonymous shell an erased citizen leaves in outcomes (GDPR art. 17, issue 17).

Outcomes keeps only what payments were based on: the benefit at enrolment and the events dated before the end
of the last statement (not rejected) that paid on the citizen, each event reduced to the fields the rules of
account read. Everything else goes: the registry's current benefit, the birth year, events no statement has
used, free text on events, the target group of a citizen nothing was paid on, stored idempotent answers and
access-log entries naming the citizen.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

# What the rules of account read from an event's data (benefit amounts, placement kind, hours, company).
ACCOUNTING_FIELDS = frozenset(
    {"type", "monthly_amount", "currency", "wage_subsidy", "kind", "hours_per_week", "organisation_id", "opening_id"}
)


def kept_event(occurred_on: date, settled_until: date | None) -> bool:
    """An event stays when a statement already paid on the days it shaped (dated before the statement's end)."""
    return settled_until is not None and occurred_on < settled_until


def accounting_data(data: Mapping[str, Any]) -> dict[str, Any]:
    """An event's data reduced to what the rules of account read (no free text, no other personal detail)."""
    return {key: value for key, value in data.items() if key in ACCOUNTING_FIELDS}
