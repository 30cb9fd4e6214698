"""Date rules shared by several resources: ranges in order, nothing recorded in the future."""

from __future__ import annotations

import datetime as dt

from registry.domain.violations import Violation


def in_order(*, start: dt.date | None, end: dt.date | None, end_field: str, start_name: str) -> list[Violation]:
    """`end` on or after `start` when both are given."""
    if start is not None and end is not None and end < start:
        return [Violation(end_field, f"must be on or after {start_name}", "date_order")]
    return []


def not_in_future(value: dt.date | dt.datetime | None, *, field: str, now: dt.datetime) -> list[Violation]:
    """A fact (consent given, benefit since) cannot be dated after now."""
    if value is None:
        return []
    if isinstance(value, dt.datetime):
        moment = value if value.tzinfo else value.replace(tzinfo=dt.UTC)
        late = moment > now
    else:
        late = value > now.date()
    return [Violation(field, "lies in the future", "future_date")] if late else []
