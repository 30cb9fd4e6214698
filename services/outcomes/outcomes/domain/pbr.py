"""Payment by Results (ECONOMICS §5): contract terms, milestone payments with premium, caps."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction

from .milestones import MilestoneRules
from .money import round_ore

SIDES = ("citizen_course", "company_accelerator")


@dataclass(frozen=True)
class ContractTerms:
    """What a contract pays for and how much; amounts in øre, percents as exact fractions."""

    side: str
    starts_on: date
    ends_on: date
    tariffs: Mapping[str, int]
    premium_percent: Mapping[str, Fraction] = field(default_factory=dict)
    savings_share_percent: Fraction | None = None
    cap_per_citizen: int | None = None
    cap_total: int | None = None
    rules: MilestoneRules = field(default_factory=MilestoneRules)
    deadweight: bool = False
    # Which placement kinds count for each milestone (issue 15 §5); milestones not named: job kinds.
    milestone_kinds: Mapping[str, frozenset[str]] = field(default_factory=dict)
    # What the savings share is a share of: the §7 net municipal saving, or the gross (§2-3) one.
    savings_share_basis: str = "gross"


def milestone_payment(tariff: int, premium_percent: Fraction | None) -> int:
    """tariff x (1 + premium for the citizen's target group), rounded half away from zero."""
    return round_ore(Fraction(tariff) * (1 + (premium_percent or Fraction(0)) / 100))


class CapLedger:
    """What is left under the per-citizen and total caps, given what has been paid."""

    def __init__(self, *, per_citizen: int | None, total: int | None, paid: Mapping[str, int] | None = None) -> None:
        self.per_citizen = per_citizen
        self.total = total
        self.paid_by_citizen: dict[str, int] = dict(paid or {})
        self.paid_total = sum(self.paid_by_citizen.values())

    def room(self, citizen_id: str) -> int | None:
        """The most a further line for this citizen may pay (None: no cap)."""
        limits = []
        if self.per_citizen is not None:
            limits.append(self.per_citizen - self.paid_by_citizen.get(citizen_id, 0))
        if self.total is not None:
            limits.append(self.total - self.paid_total)
        return max(0, min(limits)) if limits else None

    def apply(self, citizen_id: str, amount: int) -> tuple[int, bool]:
        """Pay `amount` (cut to the room left if positive); returns (paid, was_cut)."""
        paid = amount
        if amount > 0 and (room := self.room(citizen_id)) is not None and amount > room:
            paid = room
        self.paid_by_citizen[citizen_id] = self.paid_by_citizen.get(citizen_id, 0) + paid
        self.paid_total += paid
        return paid, paid != amount
