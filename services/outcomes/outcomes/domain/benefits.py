"""Benefit history of a citizen: the benefit at enrolment and the benefit events after it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from fractions import Fraction

from .events import OutcomeEvent
from .savings import BenefitPath


@dataclass(frozen=True)
class Benefit:
    """What the municipality pays a citizen per month: the benefit plus any flexjob wage subsidy."""

    type: str
    monthly_amount: int
    wage_subsidy: int = 0

    @property
    def monthly_cost(self) -> int:
        """Benefit and wage subsidy together: both are the municipality's cost (ECONOMICS §2)."""
        return self.monthly_amount + self.wage_subsidy


def benefit_after(event: OutcomeEvent) -> Benefit | None:
    """The benefit in force from a benefit event's day on (None: no benefit)."""
    if event.type == "benefit_ended":
        return None
    return Benefit(
        type=str(event.data["type"]),
        monthly_amount=int(event.data["monthly_amount"]),
        wage_subsidy=int(event.data.get("wage_subsidy") or 0),
    )


def benefit_path(
    *,
    enrolled_on: date,
    since: date | None,
    at_enrolment: Benefit | None,
    events: Sequence[OutcomeEvent],
    exit_rate: Fraction = Fraction(0),
) -> BenefitPath:
    """The savings engine's input for one citizen from effective events (ordered by day, then sequence)."""
    changes = tuple(
        (max(event.occurred_on, enrolled_on), (benefit.monthly_cost if (benefit := benefit_after(event)) else 0))
        for event in events
        if event.type in ("benefit_changed", "benefit_ended", "benefit_resumed")
    )
    on_support = at_enrolment is not None and since is not None
    return BenefitPath(
        enrolled_on=enrolled_on,
        since=since if on_support else None,
        baseline_monthly=at_enrolment.monthly_cost if at_enrolment is not None and on_support else 0,
        changes=changes,
        exit_rate=exit_rate,
    )
