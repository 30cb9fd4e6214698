"""Settlement of a contract for [from, to) (ECONOMICS §5): new lines, savings share, adjustments, caps.

Earlier statements are immutable. Each line records what was `entitled` (before caps) and what was
paid (`amount`); a later statement compares today's entitlement per key with the sum of entitlements
already recorded and writes the difference as an adjustment, so nothing is ever paid twice.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta

from servicekit.domain_errors import FieldError, ValidationFailed

from .calendar import month_period_errors
from .pbr import CapLedger, ContractTerms

SAVINGS_SHARE = "savings_share"


@dataclass(frozen=True)
class Entitlement:
    """What the contract owes for one key today, before caps: a milestone or a period's savings share."""

    citizen_id: str
    name: str
    on: date
    amount: int
    period_from: date | None = None

    @property
    def key(self) -> tuple[str, str, date | None]:
        """Milestones are paid once per citizen; the savings share once per citizen and period."""
        return (self.citizen_id, self.name, self.period_from)


@dataclass(frozen=True)
class StatementLine:
    """One ledger line; `kind` milestone | savings_share | adjustment; `reason` None | cap | late | correction."""

    citizen_id: str
    name: str
    on: date
    kind: str
    entitled: int
    amount: int
    reason: str | None = None
    period_from: date | None = None

    @property
    def key(self) -> tuple[str, str, date | None]:
        """The entitlement key this line settles."""
        return (self.citizen_id, self.name, self.period_from)


def savings_share_period_day(period_to: date) -> date:
    """Savings-share lines are dated the period's last day for cap order."""
    return period_to - timedelta(days=1)


def settle(
    *,
    terms: ContractTerms,
    period_from: date,
    period_to: date,
    entitlements: Iterable[Entitlement],
    ledger: Sequence[StatementLine],
) -> list[StatementLine]:
    """The lines of a new statement for [period_from, period_to), given earlier statements' lines."""
    current = {
        item.key: item for item in entitlements if item.on < period_to and terms.starts_on <= item.on < terms.ends_on
    }
    recorded: dict[tuple[str, str, date | None], tuple[int, int, StatementLine]] = {}
    for line in ledger:
        entitled, paid, _ = recorded.get(line.key, (0, 0, line))
        recorded[line.key] = (entitled + line.entitled, paid + line.amount, line)
    requests: list[StatementLine] = []
    for key in sorted(set(current) | set(recorded), key=_key_order):
        item = current.get(key)
        if key not in recorded:
            if item is not None and item.amount != 0:
                requests.append(_new_line(item, period_from))
            continue
        entitled, paid, last = recorded[key]
        now = item.amount if item is not None else 0
        delta = now - entitled
        if delta == 0:
            continue
        requested = delta if delta > 0 else min(0, now - paid)
        requests.append(
            StatementLine(
                citizen_id=key[0],
                name=key[1],
                on=item.on if item is not None else last.on,
                kind="adjustment",
                entitled=delta,
                amount=requested,
                reason="correction",
                period_from=key[2],
            )
        )
    caps = CapLedger(
        per_citizen=terms.cap_per_citizen,
        total=terms.cap_total,
        paid=_paid_by_citizen(ledger),
    )
    lines = []
    for request in sorted(requests, key=lambda line: (line.on, line.citizen_id, line.name)):
        amount, cut = caps.apply(request.citizen_id, request.amount)
        lines.append(replace(request, amount=amount, reason="cap" if cut else request.reason))
    return lines


def _key_order(key: tuple[str, str, date | None]) -> tuple[str, str, date]:
    return (key[0], key[1], key[2] or date.min)


def _new_line(item: Entitlement, period_from: date) -> StatementLine:
    late = item.on < period_from
    kind = SAVINGS_SHARE if item.name == SAVINGS_SHARE else "milestone"
    return StatementLine(
        citizen_id=item.citizen_id,
        name=item.name,
        on=item.on,
        kind="adjustment" if late else kind,
        entitled=item.amount,
        amount=item.amount,
        reason="late" if late else None,
        period_from=item.period_from,
    )


def _paid_by_citizen(ledger: Iterable[StatementLine]) -> dict[str, int]:
    paid: dict[str, int] = {}
    for line in ledger:
        paid[line.citizen_id] = paid.get(line.citizen_id, 0) + line.amount
    return paid


def statement_total(lines: Iterable[StatementLine]) -> int:
    """A statement's total: the sum of its rounded lines, never re-rounded."""
    return sum(line.amount for line in lines)


def require_settlement_period(period_from: date, period_to: date, today: date) -> None:
    """Whole months, and only once the period has ended; 422 naming `from`/`to` otherwise."""
    errors = month_period_errors(period_from, period_to)
    if not errors and period_to > today + timedelta(days=1):
        errors.append(FieldError("to", "a period can be settled only once it has ended", "future"))
    if errors:
        raise ValidationFailed("Invalid settlement period.", errors=errors)


def comparison_basis(terms: ContractTerms) -> str:
    """What a statement's savings were measured against: a comparison group (ECONOMICS §7) when the
    contract shares net savings; otherwise the benefit at enrolment, less the rate card's exit rates
    when the contract counts deadweight."""
    if terms.savings_share_basis == "net":
        return "comparison_group"
    return "benefit_at_enrolment_less_exit_rates" if terms.deadweight else "benefit_at_enrolment"
