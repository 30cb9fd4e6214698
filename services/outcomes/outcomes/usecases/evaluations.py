"""Evaluations: verified savings, costs and payments of a municipality, a partnership or the nation."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from outcomes.domain.calendar import Month, add_months, months_between, require_month_period
from outcomes.domain.card_periods import Pricing
from outcomes.domain.costs import CostLine, in_force
from outcomes.domain.entitlements import CitizenFacts
from outcomes.domain.evaluation import EvaluatedCitizen, Evaluation, Outlay, evaluate
from outcomes.domain.forward import DEFAULT_HORIZON_MONTHS
from outcomes.domain.net_evaluation import NetEvaluation
from outcomes.domain.ratecard import RateCard
from outcomes.domain.savings import MonthlySavings
from outcomes.store import contracts, projection, settlements
from outcomes.store.access_outbox import record_access
from outcomes.usecases import net_evaluations
from outcomes.usecases.facts import facts_by_citizen
from outcomes.usecases.rate_cards import rate_card
from servicekit.access_log import Actor
from servicekit.auth import Principal
from servicekit.domain_errors import NotFound


@dataclass(frozen=True)
class EvaluationRequest:
    """What the client asked to evaluate; unset parts default from the client's tenant and today."""

    municipality: str | None
    partnership_id: uuid.UUID | None
    period_from: date | None
    period_to: date | None
    country: str | None


@dataclass(frozen=True)
class Scope:
    municipality: str | None
    partnership_id: uuid.UUID | None
    period_from: date
    period_to: date
    country: str


@dataclass(frozen=True)
class ScopedEvaluation:
    result: Evaluation
    scope: Scope
    card: RateCard
    net: NetEvaluation | None = None
    savings_by_payer: dict[str, int] = field(default_factory=dict)


async def evaluate_scope(
    session: AsyncSession,
    principal: Principal,
    request: EvaluationRequest,
    *,
    default_rate_cards: Mapping[str, str],
    today: date,
    horizon: int = DEFAULT_HORIZON_MONTHS,
) -> ScopedEvaluation:
    """The evaluation a client may see, with the scope and rate card it was computed with, and its net figures."""
    scope = await _scope(session, principal, request, today)
    card = await rate_card(session, default_rate_cards.get(scope.country, "DK-2025"))
    prices = await net_evaluations.pricing(session, card.country, scope.period_from, scope.period_to, card)
    parts = await _evaluation_parts(session, scope, card=card, prices=prices)
    net = await net_evaluations.net_figures(
        session,
        country=card.country,
        period_from=scope.period_from,
        period_to=scope.period_to,
        projection_rows=parts.citizens,
        facts=parts.facts,
        lines=parts.cost_lines,
        outcome_payments=parts.result.totals.outcome_payments,
        card=card,
        prices=prices,
        horizon=horizon,
    )
    by_payer = net_evaluations.savings_by_payer(
        parts.facts, months_between(scope.period_from, scope.period_to), card, parts.lines, prices
    )
    return ScopedEvaluation(parts.result, scope, card, net, by_payer)


async def _scope(session: AsyncSession, principal: Principal, request: EvaluationRequest, today: date) -> Scope:
    municipality = request.municipality
    if not principal.is_national:
        municipality = municipality or principal.tenant
        principal.require_visible(municipality, "Municipality")
    elif not principal.has("reports:read"):
        raise NotFound("Municipality not found.")
    if request.partnership_id is not None:
        partnership = await projection.get_partnership(session, request.partnership_id)
        if partnership is None or not principal.can_see(partnership.municipality):
            raise NotFound("Partnership not found.")
        municipality = municipality or partnership.municipality
    end = request.period_to or Month.of(today).next().first_day
    start = request.period_from or add_months(end, -36)
    require_month_period(start, end, what="evaluation")
    return Scope(municipality, request.partnership_id, start, end, (municipality or "")[:2] or request.country or "DK")


@dataclass(frozen=True)
class _Parts:
    result: Evaluation
    citizens: Sequence[Any]
    facts: list[CitizenFacts]
    lines: MonthlySavings | None
    cost_lines: list[CostLine]


async def _evaluation_parts(session: AsyncSession, scope: Scope, *, card: RateCard, prices: Pricing) -> _Parts:
    """The evaluation and what the net figures need from it (each day priced with its card).

    A partnership with recorded cost lines is costed by them (the municipality's own subtracted, the
    others' carried beside); one without keeps the rate card's unit costs, as before."""
    municipality, partnership_id = scope.municipality, scope.partnership_id
    period_from, period_to = scope.period_from, scope.period_to
    months = months_between(period_from, period_to)
    citizens = await projection.enrolled_citizens(session, municipality=municipality, partnership_id=partnership_id)
    citizens = [citizen for citizen in citizens if citizen.municipality.startswith(card.country)]
    facts = await facts_by_citizen(session, citizens)
    partnership_of = {
        str(citizen.id): str(citizen.partnership_id) if citizen.partnership_id else None for citizen in citizens
    }
    evaluated = [
        EvaluatedCitizen(
            citizen_id=item.citizen_id,
            target_group=item.target_group,
            partnership_id=partnership_of.get(item.citizen_id),
            path=item.benefit_path(),
        )
        for item in facts
    ]
    costs = [
        Outlay(
            Month.of(item.enrolled_on),
            card.unit_costs.get("citizen_course_per_citizen", 0),
            partnership_of.get(item.citizen_id),
            item.target_group,
            citizen_id=item.citizen_id,
        )
        for item in facts
    ]
    enrolments = await projection.company_enrolments(session, municipality=municipality, partnership_id=partnership_id)
    for enrolment in enrolments:
        if enrolment.municipality.startswith(card.country):
            costs.append(
                Outlay(
                    Month.of(enrolment.started_on),
                    card.unit_costs.get("company_accelerator_per_company", 0),
                    str(enrolment.partnership_id),
                )
            )
    partnership_ids = sorted(
        {citizen.partnership_id for citizen in citizens if citizen.partnership_id}
        | {enrolment.partnership_id for enrolment in enrolments}
        | ({partnership_id} if partnership_id else set())
    )
    recorded = await net_evaluations.cost_lines(session, partnership_ids)
    if recorded:
        # A partnership with recorded cost lines is costed by them; the others keep the rate card's unit costs.
        costed = {line.partnership_id for line in recorded}
        costs = [cost for cost in costs if cost.partnership_id not in costed] + [
            Outlay(line.month, line.amount, line.partnership_id, borne_by_municipality=line.borne_by_municipality)
            for line in in_force(recorded)
        ]
    rows = await contracts.contracts_for(session, municipality=municipality, partnership_id=partnership_id)
    partnership_of_contract = {row.id: str(row.partnership_id) for row in rows}
    payments = [
        Outlay(
            Month.of(line.reached_on),
            line.amount,
            partnership_of_contract.get(line.contract_id),
            line.target_group,
            citizen_id=str(line.citizen_id),
        )
        for line in await settlements.paid_lines(
            session, [row.id for row in rows if row.municipality.startswith(card.country)]
        )
    ]
    lines = None
    if evaluated:
        # Each day with its card; Sweden: the municipal saving is the kommun's part only (the card's payers).
        lines = net_evaluations.citizen_lines(facts, months, card, prices)
    result = evaluate(
        citizens=evaluated,
        months=months,
        staircase=card.staircase,
        costs=costs,
        payments=payments,
        discount_rate=card.discount_rate,
        lines=lines,
    )
    return _Parts(result, citizens, facts, lines, recorded)


async def record_citizen_reads(session: AsyncSession, citizen_ids: Sequence[str], actor: Actor) -> None:
    """A per-citizen view of an evaluation reads each citizen's savings: an access-log entry each."""
    await record_access(session, citizen_ids, "read", actor=actor)
