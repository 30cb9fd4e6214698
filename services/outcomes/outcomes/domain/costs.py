"""Programme costs as recorded facts, by payer; a correction supersedes a line (issue 15 §2, ECONOMICS §6).

Only what the municipality pays itself is subtracted in the net gain; every other payer is reported
beside it. Totals count the lines in force only: a superseded line never counts beside its correction.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from servicekit.domain_errors import Conflict, InvalidField, NotFound

from .calendar import Month

PAYERS = ("municipality", "region", "state", "eu_grant", "foundation", "investor", "company")
SIDES = ("citizen_course", "company_accelerator")
CATEGORIES = ("course_delivery", "mentor", "job_consultant", "administration", "accelerator", "other")
MUNICIPALITY = "municipality"


@dataclass(frozen=True)
class CostLine:
    """One recorded cost of a partnership's programme in a month, paid by one payer."""

    id: str
    partnership_id: str
    side: str
    category: str
    amount: int
    month: Month
    payer: str
    supersedes: str | None = None
    funder: str | None = None
    note: str | None = None
    sequence: int = 0

    @property
    def borne_by_municipality(self) -> bool:
        """True when the municipality pays this line itself."""
        return self.payer == MUNICIPALITY


def validate_cost_line(
    data: Mapping[str, Any], *, partnership_starts: date | None, partnership_ends: date | None
) -> tuple[str, str, int, Month, str]:
    """Check side, category, amount, month and payer; returns them parsed. Raises InvalidField naming the field."""
    side, category, payer = data.get("side"), data.get("category"), data.get("payer")
    if side not in SIDES:
        raise InvalidField("side", f"side is one of {', '.join(SIDES)}")
    if category not in CATEGORIES:
        raise InvalidField("category", f"category is one of {', '.join(CATEGORIES)}")
    if payer not in PAYERS:
        raise InvalidField("payer", f"unknown payer; one of {', '.join(PAYERS)}")
    amount = data.get("amount")
    if isinstance(amount, bool) or not isinstance(amount, int):
        raise InvalidField("amount", "amount is an integer in øre")
    if amount < 0:
        raise InvalidField("amount", "amount must not be negative; correct a line by superseding it")
    try:
        month = Month.parse(str(data.get("month")))
        if not 1 <= month.month <= 12:
            raise ValueError
    except ValueError as error:
        raise InvalidField("month", "month is YYYY-MM") from error
    if (partnership_starts and month.end <= partnership_starts) or (
        partnership_ends and month.first_day >= partnership_ends
    ):
        raise InvalidField(
            "month", f"{month} is outside the partnership ({partnership_starts or '…'} to {partnership_ends or '…'})"
        )
    return str(side), str(category), int(amount), month, str(payer)


def check_supersedes(target_id: str, lines: Sequence[CostLine], partnership_id: str) -> None:
    """A correction names a line of the same partnership that is still in force."""
    target = next((line for line in lines if line.id == target_id), None)
    if target is None or target.partnership_id != partnership_id:
        raise NotFound(f"No programme cost line {target_id} in this partnership.")
    if any(line.supersedes == target_id for line in lines):
        raise Conflict(f"Cost line {target_id} has already been corrected; correct the line that replaced it.")


def in_force(lines: Iterable[CostLine]) -> list[CostLine]:
    """Lines not superseded by a later correction, by (month, sequence)."""
    every = list(lines)
    superseded = {line.supersedes for line in every if line.supersedes}
    return sorted((line for line in every if line.id not in superseded), key=lambda line: (line.month, line.sequence))


def totals_by_payer(lines: Iterable[CostLine]) -> dict[str, int]:
    """Σ amount per payer over the lines in force (every payer listed, 0 where nothing is recorded)."""
    totals = dict.fromkeys(PAYERS, 0)
    for line in in_force(lines):
        totals[line.payer] += line.amount
    return totals


def totals_by_payer_and_month(lines: Iterable[CostLine]) -> dict[Month, dict[str, int]]:
    """Σ amount per month and payer over the lines in force."""
    result: dict[Month, dict[str, int]] = defaultdict(lambda: dict.fromkeys(PAYERS, 0))
    for line in in_force(lines):
        result[line.month][line.payer] += line.amount
    return dict(result)
