"""Evaluations: verified savings, costs and payments of a municipality, a partnership or the nation."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from outcomes.domain.benefits import benefit_path
from outcomes.domain.calendar import Month, add_months, months_between, require_month_period
from outcomes.domain.evaluation import EvaluatedCitizen, Evaluation, Outlay, evaluate
from outcomes.domain.events import effective_events
from outcomes.domain.ratecard import RateCard
from outcomes.store import contracts, projection, settlements
from outcomes.usecases.facts import facts_by_citizen
from outcomes.usecases.rate_cards import rate_card
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


async def evaluate_scope(
    session: AsyncSession,
    principal: Principal,
    request: EvaluationRequest,
    *,
    default_rate_cards: Mapping[str, str],
    today: date,
) -> ScopedEvaluation:
    """The evaluation a client may see, with the scope and rate card it was computed with."""
    scope = await _scope(session, principal, request, today)
    card = await rate_card(session, default_rate_cards.get(scope.country, "DK-2025"))
    result = await evaluation_for(
        session,
        municipality=scope.municipality,
        partnership_id=scope.partnership_id,
        period_from=scope.period_from,
        period_to=scope.period_to,
        card=card,
    )
    return ScopedEvaluation(result, scope, card)


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


async def evaluation_for(
    session: AsyncSession,
    *,
    municipality: str | None,
    partnership_id: uuid.UUID | None,
    period_from: date,
    period_to: date,
    card: RateCard,
) -> Evaluation:
    """Verified savings, costs and payments of a municipality, a partnership or the nation."""
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
            path=benefit_path(
                enrolled_on=item.enrolled_on,
                since=item.since,
                at_enrolment=item.benefit_at_enrolment,
                events=effective_events(item.events),
            ),
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
    return evaluate(
        citizens=evaluated,
        months=months,
        staircase=card.staircase,
        costs=costs,
        payments=payments,
        discount_rate=card.discount_rate,
    )
