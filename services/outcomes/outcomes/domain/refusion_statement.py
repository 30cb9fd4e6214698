"""The state's own refusion figures: the statement file from Ydelsesrefusion and its reconciliation (issue 15 §6).

Source of the layout. KOMBIT's Ydelsesrefusion (YR, in operation since 1 January 2020) computes each
municipality's refusion and co-financing from eIndkomst data; it has no user interface, and the raw
output a municipality receives is not publicly documented (kombit.dk/indhold/data-i-ydelsesrefusion,
kombit.dk/content/ydelsesrefusion-faq, sks-as.dk/produkter/ydelsesrefusion: vendors build interfaces
over "the raw data"). No public column layout was found. This module therefore DEFINES the layout below,
the smallest one that carries what the issue asks for (one line per citizen, week and benefit, with the
refusion rate and amount), in the Danish conventions the issue names (semicolon separated, decimal
comma). It is our layout, not KOMBIT's; a municipality exports its YR data to it (or a converter does).

The closest public record of YR's per-citizen data is a municipality's own catalogue of what it loads
into its BI system: Randers Kommune's custom-data-connector (github.com/Randers-Kommune-Digitalisering/
custom-data-connector, docs/Data_i_Custom_Data.md, table `SAYdelsesrefusionIndivid`) names the fields
CPR nummer, Uge, Ydelse, Beregnet udbetalingsbeløb, Refusionsbeløb, Medfinansieringsbeløb, Total,
Refusion, Medfinansiering and Finansiering Kommunenavn, without their formats. Our columns carry the
first five under short names (`cpr`, `uge`, `ydelse`, `udbetalt`, `refusion`) plus the rate
(`refusionsprocent`); co-financing (medfinansiering, for benefits the state pays) is not reconciled
here because the municipality's savings rules (ECONOMICS.md §3) do not use it.

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

import numpy as np
import numpy.typing as npt

from servicekit.domain_errors import FieldError, RefusionStatementRejected

from .calendar import Month
from .money import divide_half_away
from .refusion import BASIS_POINTS, RefusionStaircase
from .savings import NEVER, BenefitPath

HEADER = ("cpr", "uge", "ydelse", "udbetalt", "refusionsprocent", "refusion")
_CPR = re.compile(r"^(\d{6})-?(\d{4})$")
_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")
_AMOUNT = re.compile(r"^-?\d{1,3}(\.\d{3})*(,\d{1,2})?$|^-?\d+(,\d{1,2})?$")
MAX_ERRORS = 100
# Differences within this many øre per citizen-week are rounding, not disagreement.
TOLERANCE_ORE = 100


class StatementRejected(RefusionStatementRejected):
    """The statement file cannot be imported; `errors` name the lines (`line 12: uge`)."""


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
    whole, _, decimals = text.replace(".", "").partition(",")
    negative = whole.startswith("-")
    ore = abs(int(whole)) * 100 + int(decimals.ljust(2, "0"))
    return -ore if negative else ore


@lru_cache(maxsize=4096)
def _week(text: str) -> tuple[int, int, str | None]:
    """(year, week, problem) of an ISO week `YYYY-Www`; a file repeats a few weeks many times."""
    match = _WEEK.match(text)
    if not match:
        return 0, 0, "an ISO week YYYY-Www, e.g. 2025-W07"
    year, week = int(match.group(1)), int(match.group(2))
    try:
        date.fromisocalendar(year, week, 1)
    except ValueError:
        return year, week, f"{year} has no week {week}"
    return year, week, None


@lru_cache(maxsize=4096)
def _share(text: str) -> tuple[Fraction, str | None]:
    """The refusion percent and its problem, if any (decimal comma); a file repeats a few shares."""
    try:
        share = Fraction(Decimal(text.replace(",", ".")))
    except (InvalidOperation, ValueError):
        return Fraction(0), "a percent from 0 to 100, decimal comma"
    if not 0 <= share <= 100:
        return share, "a percent from 0 to 100"
    return share, None


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
        year, week, week_problem = _week(week_text)
        if week_problem:
            fail(number, "uge", week_problem)
        if not benefit:
            fail(number, "ydelse", "the benefit type is required")
        amounts: dict[str, int] = {}
        for name, value in (("udbetalt", paid_text), ("refusion", refund_text)):
            try:
                amounts[name] = _kroner(value)
            except ValueError as error:
                fail(number, name, str(error))
        share, share_problem = _share(share_text)
        if share_problem:
            fail(number, "refusionsprocent", share_problem)
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
    """Per citizen-week: the state's refusion share and amount against the ones computed from our history.

    The figures are `computed_week`'s, computed for every line at once (`_computed_weeks`): a statement of
    100,000 lines is 700,000 citizen-days, too many for a loop over days in Python."""
    citizens = [citizen_of.get(line.national_id) for line in lines]
    known = [row for row, citizen in enumerate(citizens) if citizen is not None and citizen in paths]
    weeks = _computed_weeks(
        [paths[citizens[row]] for row in known],  # type: ignore[index]
        [citizens[row] for row in known],  # type: ignore[misc]
        [lines[row].monday for row in known],
        staircase,
    )
    ours_of = dict(zip(known, weeks, strict=True))
    report: list[Reconciled] = []
    for row, line in enumerate(lines):
        citizen = citizens[row]
        ours = ours_of.get(row)
        if ours is None:
            report.append(
                Reconciled(
                    line.line, citizen, line.year, line.week, line.benefit, line.share_percent, None,
                    line.refund, None, None, "unknown_citizen" if citizen is None else "no_history", line.paid,
                )
            )  # fmt: skip
            continue
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


# Every month length divides this, so a week's days over one or two months share one exact denominator.
_MONTH_LENGTHS_LCM = 377_580  # lcm(28, 29, 30, 31)


def _computed_weeks(
    paths: Sequence[BenefitPath], citizens: Sequence[str], mondays: Sequence[date], staircase: RefusionStaircase
) -> list[ComputedWeek]:
    """`computed_week` for many (path, Monday) pairs, vectorised over lines x 7 days, segment by segment.

    Same rules as `_on`: support days count the paid days before a day; a run of unpaid days reaching
    `reset_days` restarts the count. Exact integers throughout, one rounding per line."""
    if not paths:
        return []
    index_of: dict[str, int] = {}
    segments_of: list[list[tuple[date, date, int]]] = []
    rows = np.empty(len(citizens), dtype=np.int64)
    for row, (citizen, path) in enumerate(zip(citizens, paths, strict=True)):
        if citizen not in index_of:
            index_of[citizen] = len(segments_of)
            segments_of.append(_segments(path))
        rows[row] = index_of[citizen]
    width = max(len(segments) for segments in segments_of)
    starts = np.full((len(segments_of), width), NEVER, dtype=np.int64)
    ends = np.full((len(segments_of), width), NEVER, dtype=np.int64)
    costs = np.zeros((len(segments_of), width), dtype=np.int64)
    for index, segments in enumerate(segments_of):
        for column, (first, last, monthly) in enumerate(segments):
            starts[index, column], ends[index, column], costs[index, column] = (
                first.toordinal(),
                last.toordinal(),
                monthly,
            )
    starts, ends, costs = starts[rows], ends[rows], costs[rows]
    count = len(paths)
    days = np.array([monday.toordinal() for monday in mondays], dtype=np.int64)[:, None] + np.arange(7)[None, :]
    support = np.zeros(days.shape, dtype=np.int64)
    gap = np.zeros(days.shape, dtype=np.int64)
    cost_on = np.zeros(days.shape, dtype=np.int64)
    for column in range(width):
        start, end, cost = starts[:, column : column + 1], ends[:, column : column + 1], costs[:, column : column + 1]
        before = np.clip(np.minimum(end, days) - start, 0, None)
        paid = cost > 0
        support = np.where(paid, support + before, support)
        gap = np.where(paid & (before > 0), 0, np.where(paid, gap, gap + before))
        support = np.where(~paid & (gap >= staircase.reset_days), 0, support)
        cost_on = np.where((start <= days) & (days < end), cost, cost_on)
    kept = staircase.kept_by_week()
    refunded = BASIS_POINTS - kept[np.minimum(support // 7, len(kept) - 1)]
    month_days = _month_lengths(days)
    weight = _MONTH_LENGTHS_LCM // month_days
    if int(costs.max(initial=0)) > 2**31:
        # Beyond int64's exact range for the products below: the plain per-line computation.
        return [computed_week(path, staircase, monday) for path, monday in zip(paths, mondays, strict=True)]
    paid_numerator = (cost_on * weight).sum(axis=1)
    refund_numerator = (cost_on * refunded * weight).sum(axis=1)
    paying = cost_on > 0
    last_paid = np.where(paying.any(axis=1), 6 - np.argmax(paying[:, ::-1], axis=1), -1)
    shares = {bp: Fraction(int(bp), 100) for bp in np.unique(refunded)}
    result = []
    for row in range(count):
        column = int(last_paid[row])
        result.append(
            ComputedWeek(
                divide_half_away(int(paid_numerator[row]), _MONTH_LENGTHS_LCM),
                divide_half_away(int(refund_numerator[row]), _MONTH_LENGTHS_LCM * BASIS_POINTS),
                shares[refunded[row, column]] if column >= 0 else None,
            )
        )
    return result


def _month_lengths(ordinals: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    """The length of the month of each day ordinal."""
    as_dates = (ordinals - date(1970, 1, 1).toordinal()).astype("datetime64[D]")
    month_start = as_dates.astype("datetime64[M]")
    lengths: npt.NDArray[np.int64] = (
        (month_start + 1).astype("datetime64[D]") - month_start.astype("datetime64[D]")
    ).astype(np.int64)
    return lengths


def summary(report: Sequence[Reconciled]) -> dict[str, int]:
    """Citizen-weeks per status, and the sum of differences (state - computed) in øre."""
    counts = dict.fromkeys(STATUSES, 0)
    for item in report:
        counts[item.status] += 1
    counts["difference_total"] = sum(item.difference or 0 for item in report)
    return counts
