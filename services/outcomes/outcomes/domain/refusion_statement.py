"""The state's own refusion figures: the statement file from Ydelsesrefusion and its reconciliation (issue 15 §6).

Source of the layout. KOMBIT's Ydelsesrefusion (YR, in operation since 1 January 2020) computes each
municipality's refusion and co-financing from eIndkomst data; it has no user interface, and the raw
output a municipality receives is not publicly documented (kombit.dk/indhold/data-i-ydelsesrefusion,
kombit.dk/content/ydelsesrefusion-faq, sks-as.dk/produkter/ydelsesrefusion: vendors build interfaces
over "the raw data"). No public column layout was found. This module therefore DEFINES the layout below,
the smallest one that carries what the issue asks for (one line per citizen, week and benefit, with the
refusion rate and amount), in the Danish conventions the issue names (semicolon separated, decimal
comma). It is our layout, not KOMBIT's; a municipality exports its YR data to it (or a converter does).

    cpr;uge;ydelse;udbetalt;refusionsprocent;refusion
    0101901234;2025-W07;kontanthjaelp_30plus;2.979,67;40;1.191,87

- `cpr`: the national id, 10 digits (a hyphen after the 6th is accepted). Pseudonymised on the way in
  through the registry; outcomes never stores it.
- `uge`: ISO week `YYYY-Www`.
- `ydelse`: the benefit type (the rate card's names).
- `udbetalt`: kroner paid that week, decimal comma, optional `.` thousands separators, at most 2 decimals.
- `refusionsprocent`: the state's refusion share in percent (0-100, decimal comma allowed).
- `refusion`: the refunded kroner (decimal comma).
The first line is the header, exactly as above (case-insensitive). UTF-8 (with or without BOM) or
Windows-1252. A file is read whole or not at all: every malformed line is reported by line number.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from functools import lru_cache

from servicekit.domain_errors import FieldError, ValidationFailed

from .calendar import Month
from .money import divide_half_away
from .refusion import BASIS_POINTS, RefusionStaircase
from .savings import BenefitPath

HEADER = ("cpr", "uge", "ydelse", "udbetalt", "refusionsprocent", "refusion")
_CPR = re.compile(r"^(\d{6})-?(\d{4})$")
_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")
_AMOUNT = re.compile(r"^-?\d{1,3}(\.\d{3})*(,\d{1,2})?$|^-?\d+(,\d{1,2})?$")
MAX_ERRORS = 100
# Differences within this many øre per citizen-week are rounding, not disagreement.
TOLERANCE_ORE = 100


class StatementRejected(ValidationFailed):
    """The statement file cannot be imported; `errors` name the lines (`line 12: uge`)."""

    slug = "refusion-statement-rejected"
    title = "Refusion statement rejected"


@dataclass(frozen=True)
class StatementLine:
    """One line of the state's statement: a citizen's week on one benefit."""

    line: int
    national_id: str
    year: int
    week: int
    benefit: str
    paid: int
    share_percent: Fraction
    refund: int

    @property
    def monday(self) -> date:
        """The first day of the ISO week."""
        return date.fromisocalendar(self.year, self.week, 1)


def decode(content: bytes) -> str:
    """UTF-8 (BOM allowed), else Windows-1252 (what Danish spreadsheets often write)."""
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        return content.decode("cp1252")


def _kroner(text: str) -> int:
    """'2.979,67' -> 297967 øre."""
    if not _AMOUNT.match(text):
        raise ValueError("an amount in kroner with a decimal comma, e.g. 2.979,67")
    return int(Decimal(text.replace(".", "").replace(",", ".")) * 100)


def parse_statement(content: bytes | str) -> list[StatementLine]:
    """Read the whole file or raise StatementRejected listing every bad line (up to 100)."""
    text = decode(content) if isinstance(content, bytes) else content
    rows = text.splitlines()
    errors: list[FieldError] = []

    def fail(number: int, field: str, message: str) -> None:
        if len(errors) < MAX_ERRORS:
            errors.append(FieldError(f"line {number}: {field}", message))

    if not rows or tuple(cell.strip().lower() for cell in rows[0].split(";")) != HEADER:
        raise StatementRejected(
            "The first line must be the header: " + ";".join(HEADER),
            errors=[FieldError("line 1", "expected the header " + ";".join(HEADER), "header")],
        )
    lines: list[StatementLine] = []
    seen: dict[tuple[str, int, int, str], int] = {}
    for number, row in enumerate(rows[1:], start=2):
        if not row.strip():
            continue
        cells = [cell.strip() for cell in row.split(";")]
        if len(cells) != len(HEADER):
            fail(number, "columns", f"expected {len(HEADER)} columns separated by ';', found {len(cells)}")
            continue
        cpr, week_text, benefit, paid_text, share_text, refund_text = cells
        bad = len(errors)
        cpr_match = _CPR.match(cpr)
        if not cpr_match:
            fail(number, "cpr", "a national id of 10 digits")
        week_match = _WEEK.match(week_text)
        year = week = 0
        if not week_match:
            fail(number, "uge", "an ISO week YYYY-Www, e.g. 2025-W07")
        else:
            year, week = int(week_match.group(1)), int(week_match.group(2))
            try:
                date.fromisocalendar(year, week, 1)
            except ValueError:
                fail(number, "uge", f"{year} has no week {week}")
        if not benefit:
            fail(number, "ydelse", "the benefit type is required")
        amounts: dict[str, int] = {}
        for name, value in (("udbetalt", paid_text), ("refusion", refund_text)):
            try:
                amounts[name] = _kroner(value)
            except ValueError as error:
                fail(number, name, str(error))
        share = Fraction(0)
        try:
            share = Fraction(Decimal(share_text.replace(",", ".")))
            if not 0 <= share <= 100:
                fail(number, "refusionsprocent", "a percent from 0 to 100")
        except (InvalidOperation, ValueError):
            fail(number, "refusionsprocent", "a percent from 0 to 100, decimal comma")
        if len(errors) > bad or not cpr_match:
            continue
        national_id = cpr_match.group(1) + cpr_match.group(2)
        key = (national_id, year, week, benefit)
        if key in seen:
            fail(number, "uge", f"the same citizen, week and benefit as line {seen[key]}")
            continue
        seen[key] = number
        lines.append(
            StatementLine(number, national_id, year, week, benefit, amounts["udbetalt"], share, amounts["refusion"])
        )
    if errors:
        raise StatementRejected(
            f"{len(errors)} line(s) of the statement are malformed; nothing was imported.", errors=errors
        )
    return lines


@dataclass(frozen=True)
class ComputedWeek:
    """Our own figures for a citizen-week: paid, refunded and the refusion share in force (per §2-3)."""

    paid: int
    refund: int
    share_percent: Fraction | None


def computed_week(
    path: BenefitPath,
    staircase: RefusionStaircase,
    monday: date,
    segments: Sequence[tuple[date, date, int]] | None = None,
) -> ComputedWeek:
    """What the history says was paid in the week and what the staircase refunds of it (exact, rounded once).

    Days before enrolment are taken as on the benefit at enrolment since `since` (the §3 assumption); the
    share reported is the one of the week's last paid day.
    """
    segments = _segments(path) if segments is None else segments
    # Per month of the week: Σ cost (paid) and Σ cost x refunded basis points; one exact division at the end.
    sums: dict[int, list[int]] = {}
    refunded_bp: int | None = None
    cost, support_days = _on(segments, monday, staircase.reset_days)
    for offset in range(7):
        day = monday + timedelta(days=offset)
        if offset:
            cost, support_days = _next_day(segments, day, cost, support_days, staircase.reset_days)
        if cost == 0:
            continue
        refunded_bp = BASIS_POINTS - staircase.kept_basis_points(support_days // 7 + 1)
        month_sums = sums.setdefault(_days_in_month(day.year, day.month), [0, 0])
        month_sums[0] += cost
        month_sums[1] += cost * refunded_bp
    denominator = 1
    for days in sums:
        denominator *= days
    paid = sum(total * (denominator // days) for days, (total, _) in sums.items())
    refund = sum(kept * (denominator // days) for days, (_, kept) in sums.items())
    return ComputedWeek(
        divide_half_away(paid, denominator),
        divide_half_away(refund, denominator * BASIS_POINTS),
        Fraction(refunded_bp, 100) if refunded_bp is not None else None,
    )


@lru_cache(maxsize=4096)
def _days_in_month(year: int, month: int) -> int:
    return Month(year, month).days


def _next_day(
    segments: Sequence[tuple[date, date, int]], day: date, previous_cost: int, support_days: int, reset_days: int
) -> tuple[int, int]:
    """Cost on `day` and support days before it, from the day before (one step of `_on`)."""
    if previous_cost > 0:
        support_days += 1
    cost = next((cost for start, end, cost in segments if start <= day < end), 0)
    if previous_cost == 0 and cost == 0:
        # A gap that long already reset the count in `_on`; short gaps leave it.
        return cost, _on(segments, day, reset_days)[1]
    if previous_cost == 0:
        return cost, _on(segments, day, reset_days)[1]
    return cost, support_days


def _segments(path: BenefitPath) -> list[tuple[date, date, int]]:
    """[start, end, monthly cost) from `since` on: the benefit at enrolment before enrolment, then the changes."""
    if path.since is None:
        starts: list[tuple[date, int]] = [(path.enrolled_on, 0)]
    else:
        starts = [(path.since, path.baseline_monthly)]
    starts += sorted(path.changes, key=lambda change: change[0])
    ends = [start for start, _ in starts[1:]] + [date.max]
    return [(start, end, cost) for (start, cost), end in zip(starts, ends, strict=True) if end > start]


def _on(segments: Sequence[tuple[date, date, int]], day: date, reset_days: int) -> tuple[int, int]:
    """The monthly cost on `day` and the support days before it (restarting after `reset_days` without)."""
    support = gap = 0
    for start, end, cost in segments:
        if start >= day:
            break
        length = (min(end, day) - start).days
        if cost > 0:
            support, gap = support + length, 0
        else:
            gap += length
            if gap >= reset_days:
                support = 0
    cost_on = next((cost for start, end, cost in segments if start <= day < end), 0)
    return cost_on, support


@dataclass(frozen=True)
class Reconciled:
    """One citizen-week: the state's figures against ours. `citizen_id` None: the registry does not know the id."""

    line: int
    citizen_id: str | None
    year: int
    week: int
    benefit: str
    state_share_percent: Fraction
    computed_share_percent: Fraction | None
    state_refund: int
    computed_refund: int | None
    difference: int | None
    status: str
    paid: int = 0


STATUSES = ("match", "share_differs", "amount_differs", "unknown_citizen", "no_history")


def reconcile(
    lines: Sequence[StatementLine],
    citizen_of: Mapping[str, str],
    paths: Mapping[str, BenefitPath],
    staircase: RefusionStaircase,
) -> list[Reconciled]:
    """Per citizen-week: the state's refusion share and amount against the ones computed from our history."""
    report: list[Reconciled] = []
    segments_of: dict[str, list[tuple[date, date, int]]] = {}
    for line in lines:
        citizen = citizen_of.get(line.national_id)
        path = paths.get(citizen) if citizen else None
        if citizen is None or path is None:
            report.append(
                Reconciled(
                    line.line, citizen, line.year, line.week, line.benefit, line.share_percent, None,
                    line.refund, None, None, "unknown_citizen" if citizen is None else "no_history", line.paid,
                )
            )  # fmt: skip
            continue
        if citizen not in segments_of:
            segments_of[citizen] = _segments(path)
        ours = computed_week(path, staircase, line.monday, segments_of[citizen])
        difference = line.refund - ours.refund
        if ours.share_percent != line.share_percent:
            status = "share_differs"
        elif abs(difference) > TOLERANCE_ORE:
            status = "amount_differs"
        else:
            status = "match"
        report.append(
            Reconciled(
                line.line, citizen, line.year, line.week, line.benefit, line.share_percent, ours.share_percent,
                line.refund, ours.refund, difference, status, line.paid,
            )
        )  # fmt: skip
    return report


def summary(report: Sequence[Reconciled]) -> dict[str, int]:
    """Citizen-weeks per status, and the sum of differences (state - computed) in øre."""
    counts = dict.fromkeys(STATUSES, 0)
    for item in report:
        counts[item.status] += 1
    counts["difference_total"] = sum(item.difference or 0 for item in report)
    return counts
