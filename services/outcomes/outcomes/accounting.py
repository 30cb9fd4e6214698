"""Between the repository and the rules: rows in, domain objects through the rules, rows out."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date
from fractions import Fraction
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from outcomes import repository as repo
from outcomes.domain.benefits import Benefit, benefit_path
from outcomes.domain.calendar import Month, months_between
from outcomes.domain.entitlements import CitizenFacts, milestone_entitlements, savings_share_entitlements
from outcomes.domain.evaluation import EvaluatedCitizen, Evaluation, Outlay, evaluate
from outcomes.domain.events import OutcomeEvent, effective_events
from outcomes.domain.milestones import MilestoneRules
from outcomes.domain.money import parse_fraction
from outcomes.domain.pbr import ContractTerms
from outcomes.domain.ratecard import RateCard, parse_rate_card
from outcomes.domain.settlement import StatementLine, settle
from servicekit.errors import FieldError, NotFound, ValidationFailed

Row = Any


def event_of(row: Row) -> OutcomeEvent:
    """A stored event as a domain fact."""
    return OutcomeEvent(
        id=row.id,
        citizen_id=str(row.citizen_id),
        type=row.type,
        occurred_on=row.occurred_on,
        data=row.data,
        supersedes=row.supersedes,
        sequence=row.sequence,
    )


def benefit_of(document: dict[str, Any] | None) -> tuple[Benefit | None, date | None]:
    """The registry's benefit {type, monthly_amount, since} as a Benefit and its spell start."""
    if not document or not document.get("type"):
        return None, None
    since = date.fromisoformat(document["since"]) if document.get("since") else None
    return Benefit(str(document["type"]), int(document.get("monthly_amount") or 0)), since


def citizen_facts(citizen: Row, events: Sequence[OutcomeEvent]) -> CitizenFacts | None:
    """Only enrolled citizens are accounted for."""
    if citizen.enrolled_on is None:
        return None
    benefit, since = benefit_of(citizen.benefit_at_enrolment)
    return CitizenFacts(
        citizen_id=str(citizen.id),
        target_group=citizen.target_group or "other",
        enrolled_on=citizen.enrolled_on,
        since=since,
        benefit_at_enrolment=benefit,
        events=tuple(events),
    )


def contract_terms(row: Row) -> ContractTerms:
    """A stored contract's terms for the rules."""
    terms = row.terms
    share = terms.get("savings_share_percent")
    return ContractTerms(
        side=row.side,
        starts_on=row.starts_on,
        ends_on=row.ends_on,
        tariffs={name: int(amount) for name, amount in terms["tariffs"].items()},
        premium_percent={group: parse_fraction(value) for group, value in terms.get("premium_percent", {}).items()},
        savings_share_percent=parse_fraction(share) if share is not None else None,
        cap_per_citizen=terms.get("cap_per_citizen"),
        cap_total=terms.get("cap_total"),
        rules=MilestoneRules(gap_days=int(terms.get("gap_days", 14)), min_hours=float(terms.get("min_hours", 10))),
        deadweight=bool(terms.get("deadweight", False)),
    )


async def rate_card(session: AsyncSession, card_id: str) -> RateCard:
    """A loaded rate card or 422 naming the field."""
    row = await repo.get_rate_card(session, card_id)
    if row is None:
        raise ValidationFailed(
            f"No rate card {card_id!r}.", errors=[FieldError("rate_card_id", "unknown rate card", "unknown")]
        )
    return parse_rate_card(row.document)


async def facts_by_citizen(session: AsyncSession, citizens: Sequence[Row]) -> list[CitizenFacts]:
    """Enrolled citizens with their events."""
    rows = await repo.events_of(session, [citizen.id for citizen in citizens])
    by_citizen: dict[str, list[OutcomeEvent]] = {}
    for row in rows:
        by_citizen.setdefault(str(row.citizen_id), []).append(event_of(row))
    result = []
    for citizen in citizens:
        facts = citizen_facts(citizen, by_citizen.get(str(citizen.id), []))
        if facts is not None:
            result.append(facts)
    return result


def ledger_of(rows: Sequence[Row]) -> list[StatementLine]:
    """Stored ledger lines as domain lines."""
    return [
        StatementLine(
            citizen_id=str(row.citizen_id),
            name=row.name,
            on=row.reached_on,
            kind=row.kind,
            entitled=row.entitled,
            amount=row.amount,
            reason=row.reason,
            period_from=row.period_from,
        )
        for row in rows
    ]


async def settle_contract(session: AsyncSession, contract: Row, period_from: date, period_to: date) -> Row:
    """Write the statement for [from, to) of a contract; an existing one for the same period is returned."""
    await repo.lock_contract_ledger(session, contract.id)
    existing = await repo.find_settlement(session, contract.id, period_from, period_to)
    if existing is not None:
        return existing
    latest = await repo.latest_settlement_end(session, contract.id)
    if latest is not None and period_from < latest:
        raise ValidationFailed(
            f"The contract is settled up to {latest}; a new statement starts there or later.",
            errors=[FieldError("from", f"must be on or after {latest}", "overlaps")],
        )
    terms = contract_terms(contract)
    card = await rate_card(session, contract.rate_card_id)
    citizens = await repo.enrolled_citizens(
        session,
        municipality=contract.municipality,
        partnership_id=None if terms.side == "company_accelerator" else contract.partnership_id,
    )
    facts = await facts_by_citizen(session, citizens)
    company_from = None
    if terms.side == "company_accelerator" and contract.company_id is not None:
        enrolment = await repo.company_enrolment(
            session, partnership_id=contract.partnership_id, organisation_id=contract.company_id
        )
        company_from = enrolment.started_on if enrolment else terms.starts_on
    milestones = milestone_entitlements(
        facts,
        terms,
        company_id=str(contract.company_id) if contract.company_id else None,
        company_enrolled_on=company_from,
    )
    if terms.side == "company_accelerator":
        hired = {item.citizen_id for item in milestones}
        facts = [citizen for citizen in facts if citizen.citizen_id in hired]
    periods = [*await repo.settlement_periods(session, contract.id), (period_from, period_to)]
    shares = savings_share_entitlements(
        facts, terms, periods=periods, staircase=card.staircase, exit_rates=card.exit_rates
    )
    ledger = ledger_of(await repo.ledger_lines(session, contract.id))
    lines = settle(
        terms=terms, period_from=period_from, period_to=period_to, entitlements=milestones + shares, ledger=ledger
    )
    groups = {citizen.citizen_id: citizen.target_group for citizen in facts}
    settlement_id = uuid.uuid4()
    return await repo.insert_settlement(
        session,
        {
            "id": settlement_id,
            "municipality": contract.municipality,
            "contract_id": contract.id,
            "period_from": period_from,
            "period_to": period_to,
            "total": sum(line.amount for line in lines),
            "currency": card.currency,
        },
        [
            {
                "settlement_id": settlement_id,
                "municipality": contract.municipality,
                "contract_id": contract.id,
                "citizen_id": uuid.UUID(line.citizen_id),
                "target_group": groups.get(line.citizen_id),
                "name": line.name,
                "reached_on": line.on,
                "kind": line.kind,
                "entitled": line.entitled,
                "amount": line.amount,
                "reason": line.reason,
                "period_from": line.period_from,
            }
            for line in lines
        ],
    )


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
    citizens = await repo.enrolled_citizens(session, municipality=municipality, partnership_id=partnership_id)
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
    for enrolment in await repo.company_enrolments(session, municipality=municipality, partnership_id=partnership_id):
        if enrolment.municipality.startswith(card.country):
            costs.append(
                Outlay(
                    Month.of(enrolment.started_on),
                    card.unit_costs.get("company_accelerator_per_company", 0),
                    str(enrolment.partnership_id),
                )
            )
    contracts = await repo.contracts_for(session, municipality=municipality, partnership_id=partnership_id)
    partnership_of_contract = {row.id: str(row.partnership_id) for row in contracts}
    payments = [
        Outlay(
            Month.of(line.reached_on),
            line.amount,
            partnership_of_contract.get(line.contract_id),
            line.target_group,
            citizen_id=str(line.citizen_id),
        )
        for line in await repo.paid_lines(
            session, [row.id for row in contracts if row.municipality.startswith(card.country)]
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


def require_found(row: Row | None, what: str) -> Row:
    """Another tenant's row answers exactly as a missing one."""
    if row is None:
        raise NotFound(f"{what} not found.")
    return row


def fraction_text(value: Fraction | None) -> str | None:
    """Percents are stored as exact decimal text."""
    if value is None:
        return None
    return str(value.numerator) if value.denominator == 1 else f"{float(value)}"
