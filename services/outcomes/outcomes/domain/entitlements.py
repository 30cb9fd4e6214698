"""What a contract owes today, from the facts: milestone payments and savings shares per period."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction

from .benefits import Benefit, benefit_path
from .calendar import Month, months_between
from .events import OutcomeEvent, effective_events
from .milestones import reached_milestones
from .money import round_ore
from .pbr import ContractTerms, milestone_payment
from .placement_kinds import JOB_KINDS
from .placements import placements
from .savings import BenefitPath, MonthlySavings
from .settlement import SAVINGS_SHARE, Entitlement, savings_share_period_day


@dataclass(frozen=True)
class CitizenFacts:
    """A citizen as the outcomes service knows them: projection from the registry plus their events."""

    citizen_id: str
    target_group: str
    enrolled_on: date
    since: date | None
    benefit_at_enrolment: Benefit | None
    events: Sequence[OutcomeEvent] = field(default_factory=tuple)

    def benefit_path(self, exit_rate: Fraction = Fraction(0)) -> BenefitPath:
        """The citizen's benefit history from enrolment (§2), corrections applied; `exit_rate` turns
        deadweight on for the baseline."""
        return benefit_path(
            enrolled_on=self.enrolled_on,
            since=self.since,
            at_enrolment=self.benefit_at_enrolment,
            events=effective_events(self.events),
            exit_rate=exit_rate,
        )


def require_month_aligned(day: date, name: str) -> None:
    """Settlement and evaluation periods run from the first day of a month to the first day of another."""
    if day.day != 1:
        raise ValueError(f"{name} must be the first day of a month")


def milestone_entitlements(
    citizens: Sequence[CitizenFacts],
    terms: ContractTerms,
    *,
    company_id: str | None = None,
    company_enrolled_on: date | None = None,
) -> list[Entitlement]:
    """A line per reached milestone that has a tariff; the company side counts hires at `company_id`."""
    result = []
    # Milestones that count the same placement kinds are reached on the same filtered history.
    by_kinds: dict[frozenset[str], list[str]] = {}
    for name in terms.tariffs:
        by_kinds.setdefault(terms.milestone_kinds.get(name, JOB_KINDS), []).append(name)
    for citizen in citizens:
        history = placements(effective_events(citizen.events))
        counted_from = citizen.enrolled_on
        if terms.side == "company_accelerator" and company_enrolled_on is not None:
            counted_from = max(citizen.enrolled_on, company_enrolled_on)
        premium = terms.premium_percent.get(citizen.target_group)
        for kinds, names in by_kinds.items():
            # A placement recorded before kinds existed counts as an ordinary job.
            counted = [placement for placement in history if (placement.kind or "ordinary") in kinds]
            reached = reached_milestones(
                counted,
                counted_from=counted_from,
                rules=terms.rules,
                organisation_id=company_id if terms.side == "company_accelerator" else None,
            )
            for name, on in reached.items():
                if name in names:
                    amount = milestone_payment(terms.tariffs[name], premium)
                    result.append(Entitlement(citizen.citizen_id, name, on, amount))
    result.sort(key=lambda item: (item.on, item.citizen_id, item.name))
    return result


def share_months(terms: ContractTerms, periods: Sequence[tuple[date, date]]) -> list[Month]:
    """The contract's months in these settlement periods, in order: what a statement's savings shares price."""
    return sorted({month for start, end in periods for month in _contract_months(terms, start, end)})


def savings_share_entitlements(
    citizens: Sequence[CitizenFacts],
    terms: ContractTerms,
    *,
    periods: Sequence[tuple[date, date]],
    lines: MonthlySavings | None,
) -> list[Entitlement]:
    """Per citizen and period: share x municipal savings of the period's months, at least 0.

    `lines`: the citizens' monthly lines over `share_months(terms, periods)`, in the order of `citizens`
    (each day priced with the card valid on it; in Sweden the municipal line is the kommun's part)."""
    if terms.savings_share_percent is None or not citizens or not periods or lines is None:
        return []
    column = {month: index for index, month in enumerate(lines.months)}
    result = []
    for start, end in periods:
        months = _contract_months(terms, start, end)
        for row, citizen in enumerate(citizens):
            municipal = sum(int(lines.municipal[row, column[month]]) for month in months)
            amount = max(0, round_ore(Fraction(municipal) * terms.savings_share_percent / 100))
            if amount:
                on = savings_share_period_day(min(end, terms.ends_on))
                result.append(Entitlement(citizen.citizen_id, SAVINGS_SHARE, on, amount, period_from=start))
    return result


def _contract_months(terms: ContractTerms, start: date, end: date) -> list[Month]:
    return [month for month in months_between(start, end) if terms.starts_on <= month.first_day < terms.ends_on]
