"""Accounting calendar: Europe/Copenhagen calendar months, [start, end) date ranges, pro rata days."""

from __future__ import annotations

import calendar as _calendar
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta

from servicekit.domain_errors import FieldError, ValidationFailed


@dataclass(frozen=True, order=True)
class Month:
    """A calendar month; dates are local (Europe/Copenhagen) dates, so months are date ranges."""

    year: int
    month: int

    @classmethod
    def of(cls, day: date) -> Month:
        """The month a date falls in."""
        return cls(day.year, day.month)

    @classmethod
    def parse(cls, text: str) -> Month:
        """A month from "YYYY-MM"."""
        year, month = text.split("-")
        return cls(int(year), int(month))

    @property
    def first_day(self) -> date:
        """The month's first day (inclusive start)."""
        return date(self.year, self.month, 1)

    @property
    def end(self) -> date:
        """The first day of the next month (exclusive end)."""
        return self.next().first_day

    @property
    def days(self) -> int:
        """Number of days in the month."""
        return _calendar.monthrange(self.year, self.month)[1]

    def next(self) -> Month:
        """The following month."""
        return Month(self.year + self.month // 12, self.month % 12 + 1)

    def index_from(self, start: Month) -> int:
        """Months from `start` to this month (0 for the same month)."""
        return (self.year - start.year) * 12 + self.month - start.month

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"


def months_between(start: date, end: date) -> list[Month]:
    """The months that overlap the range [start, end)."""
    if end <= start:
        return []
    months: list[Month] = []
    month = Month.of(start)
    while month.first_day < end:
        months.append(month)
        month = month.next()
    return months


def overlap_days(start: date, end: date, range_start: date, range_end: date) -> int:
    """Days in [start, end) ∩ [range_start, range_end)."""
    return max(0, (min(end, range_end) - max(start, range_start)).days)


def add_months(day: date, months: int) -> date:
    """`day` plus N calendar months; a day past the target month's end rolls back to its last day."""
    total = day.year * 12 + day.month - 1 + months
    year, month = divmod(total, 12)
    last = _calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def iso_week_monday(day: date) -> date:
    """The Monday of the ISO week containing `day`."""
    return day - timedelta(days=day.weekday())


def days(start: date, end: date) -> Iterator[date]:
    """Each day of [start, end)."""
    current = start
    while current < end:
        yield current
        current += timedelta(days=1)


def month_period_errors(start: date, end: date) -> list[FieldError]:
    """`from` and `to` must be first days of months with `to` after `from` (empty list: fine)."""
    errors = [
        FieldError(name, "must be the first day of a month", "not_month_start")
        for name, day in (("from", start), ("to", end))
        if day.day != 1
    ]
    if not errors and end <= start:
        errors.append(FieldError("to", "must be after from", "period_order"))
    return errors


def require_month_period(start: date, end: date, *, what: str) -> None:
    """422 naming `from`/`to` unless [start, end) is a whole number of months."""
    if errors := month_period_errors(start, end):
        raise ValidationFailed(f"Invalid {what} period.", errors=errors)
