"""Settlements: a contract's statement for [from, to) computed by the rules and written once to the ledger."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from outcomes.domain.approval import (
    StatementState,
    Transition,
    decide,
    lines_digest,
    require_earlier_decided,
    require_same_facts,
)
from outcomes.domain.calendar import Month
from outcomes.domain.card_periods import Pricing
from outcomes.domain.entitlements import (
    CitizenFacts,
    milestone_entitlements,
    savings_share_entitlements,
    share_months,
)
from outcomes.domain.errors import require_found
from outcomes.domain.net_evaluation import ShareLine, share_lines
from outcomes.domain.payments import CreditTransfer, credit_transfer
from outcomes.domain.pbr import ContractTerms
from outcomes.domain.ratecard import RateCard
from outcomes.domain.settlement import (
    SAVINGS_SHARE,
    StatementLine,
    comparison_basis,
    require_settlement_period,
    settle,
)
from outcomes.schemas.ledger import ChainBreakRead, LedgerCheckRead
from outcomes.schemas.settlements import SettlementCreate, SettlementRead, SettlementSummary
from outcomes.store import contracts, events, projection
from outcomes.store import settlements as store
from outcomes.store.access_outbox import record_access
from outcomes.store.settlements import Row
from outcomes.usecases import net_evaluations
from outcomes.usecases.facts import facts_by_citizen
from outcomes.usecases.rate_cards import rate_card
from servicekit.access_log import Actor
from servicekit.domain_errors import FieldError, ValidationFailed


async def create_settlement(
    session: AsyncSession, body: SettlementCreate, *, actor: str, today: date
) -> tuple[SettlementRead, bool]:
    """Settle a contract for [from, to) as a draft; the same period again returns the stored statement."""
    require_settlement_period(body.period_from, body.period_to, today)
    contract = require_found(await contracts.get_contract(session, body.contract_id), "Contract")
    existing = await store.find_settlement(session, contract.id, body.period_from, body.period_to)
    row = existing or await settle_contract(session, contract, body.period_from, body.period_to, actor=actor)
    return await _read(session, row), existing is None


@dataclass(frozen=True)
class ComputedStatement:
    """A statement as the rules compute it from today's facts, with the basis it used."""

    lines: list[StatementLine]
    rate_card_ids: list[str]
    groups: dict[str, str]
    card: RateCard
    comparison_basis: str
    # Savings-share lines by key: the basis (net | gross) and the comparison rung that applied.
    basis_of: dict[tuple[str, str, date | None], tuple[str, str | None]]


async def compute_statement(
    session: AsyncSession, contract: Row, period_from: date, period_to: date, *, before: date | None = None
) -> ComputedStatement:
    """The lines for [from, to) against the ledger of the contract's statements that are not rejected
    (only those of earlier periods when `before` is given: the recomputation of a draft)."""
    terms = contracts.contract_terms(contract)
    card = await rate_card(session, contract.rate_card_id)
    citizens = await projection.enrolled_citizens(
        session,
        municipality=contract.municipality,
        partnership_id=None if terms.side == "company_accelerator" else contract.partnership_id,
    )
    facts = await facts_by_citizen(session, citizens)
    company_from = None
    if terms.side == "company_accelerator" and contract.company_id is not None:
        enrolment = await projection.company_enrolment(
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
    periods = [*await store.settlement_periods(session, contract.id, before=before), (period_from, period_to)]
    months = share_months(terms, periods) if terms.savings_share_percent is not None and facts else []
    # Every day is priced with the card valid on it (the contract's card names the country, payers, currency).
    prices = await net_evaluations.pricing(
        session,
        card.country,
        months[0].first_day if months else period_from,
        months[-1].end if months else period_to,
        card,
    )
    basis_of: dict[tuple[str, str, date | None], tuple[str, str | None]] = {}
    if terms.savings_share_basis == "net" and months:
        shares = []
        for share in await _net_shares(session, terms, card, citizens, facts, periods, months, prices):
            shares.append(share.entitlement)
            basis_of[share.entitlement.key] = (share.basis, share.rung)
    else:
        savings = (
            net_evaluations.citizen_lines(
                facts, months, card, prices, exit_rates=card.exit_rates if terms.deadweight else None
            )
            if months
            else None
        )
        shares = savings_share_entitlements(facts, terms, periods=periods, lines=savings)
        basis_of = {share.key: ("gross", None) for share in shares}
    ledger = store.ledger_of(await store.ledger_lines(session, contract.id, before=before))
    lines = settle(
        terms=terms, period_from=period_from, period_to=period_to, entitlements=milestones + shares, ledger=ledger
    )
    return ComputedStatement(
        lines=lines,
        rate_card_ids=_cards_used(prices, lines, periods),
        groups={citizen.citizen_id: citizen.target_group for citizen in facts},
        card=card,
        comparison_basis=comparison_basis(terms),
        basis_of=basis_of,
    )


async def settle_contract(
    session: AsyncSession, contract: Row, period_from: date, period_to: date, *, actor: str
) -> Row:
    """Write the draft statement for [from, to) of a contract; an existing one for the same period is returned."""
    await store.lock_contract_ledger(session, contract.id)
    existing = await store.find_settlement(session, contract.id, period_from, period_to)
    if existing is not None:
        return existing
    latest = await store.latest_settlement_end(session, contract.id)
    if latest is not None and period_from < latest:
        raise ValidationFailed(
            f"The contract is settled up to {latest}; a new statement starts there or later.",
            errors=[FieldError("from", f"must be on or after {latest}", "overlaps")],
        )
    computed = await compute_statement(session, contract, period_from, period_to)
    settlement_id = uuid.uuid4()
    row = await store.insert_settlement(
        session,
        {
            "id": settlement_id,
            "municipality": contract.municipality,
            "contract_id": contract.id,
            "period_from": period_from,
            "period_to": period_to,
            "total": sum(line.amount for line in computed.lines),
            "currency": computed.card.currency,
            "status": "draft",
            "created_by": actor,
            "lines_digest": lines_digest(computed.lines),
            "rate_card_ids": computed.rate_card_ids,
            "contract_version": contract.version,
            "comparison_basis": computed.comparison_basis,
        },
        [
            {
                "settlement_id": settlement_id,
                "municipality": contract.municipality,
                "contract_id": contract.id,
                "citizen_id": uuid.UUID(line.citizen_id),
                "target_group": computed.groups.get(line.citizen_id),
                "name": line.name,
                "reached_on": line.on,
                "kind": line.kind,
                "entitled": line.entitled,
                "amount": line.amount,
                "reason": line.reason,
                "period_from": line.period_from,
                "basis": computed.basis_of.get(line.key, (None, None))[0] if line.name == SAVINGS_SHARE else None,
                "rung": computed.basis_of.get(line.key, (None, None))[1] if line.name == SAVINGS_SHARE else None,
            }
            for line in computed.lines
        ],
    )
    await store.insert_transition(session, row, Transition(None, "draft", actor, None))
    return row


async def approve_settlement(session: AsyncSession, settlement_id: uuid.UUID, *, actor: str) -> SettlementRead:
    """Approve a draft (maker-checker); again on an approved statement: unchanged.

    One transaction: the statement is draft or approved afterwards, never in between."""
    row = require_found(await store.get_settlement(session, settlement_id), "Settlement")
    await store.lock_contract_ledger(session, row.contract_id)
    row = require_found(await store.lock_settlement(session, settlement_id), "Settlement")
    transition = decide(StatementState(row.status, row.created_by), "approve", actor=actor)
    if transition is None:
        return await _read(session, row)
    require_earlier_decided(await store.drafts_before(session, row.contract_id, row.period_from))
    contract = require_found(await contracts.get_contract(session, row.contract_id), "Contract")
    recomputed = await compute_statement(session, contract, row.period_from, row.period_to, before=row.period_from)
    require_same_facts(row.lines_digest, lines_digest(recomputed.lines))
    approved = await _read(session, await store.record_decision(session, row, transition))
    await events.statement_approved(session, approved)  # webhooks: in the approving transaction
    return approved


async def reject_settlement(
    session: AsyncSession, settlement_id: uuid.UUID, *, actor: str, reason: str
) -> SettlementRead:
    """Reject a draft with a reason; its period can then be settled again."""
    row = require_found(await store.lock_settlement(session, settlement_id), "Settlement")
    transition = decide(StatementState(row.status, row.created_by), "reject", actor=actor, reason=reason)
    if transition is None:
        return await _read(session, row)
    return await _read(session, await store.record_decision(session, row, transition))


async def payment_instruction(session: AsyncSession, settlement_id: uuid.UUID, *, today: date) -> CreditTransfer:
    """The credit transfer an approved statement asks for, from the municipality's account to the payee's."""
    row = require_found(await store.get_settlement(session, settlement_id), "Settlement")
    contract = require_found(await contracts.get_contract(session, row.contract_id), "Contract")
    municipality = await projection.get_municipality(session, row.municipality)
    payee = await projection.get_organisation(session, contract.payee_id)
    return credit_transfer(
        statement_id=str(row.id),
        status=row.status,
        total=row.total,
        currency=row.currency,
        period=f"{row.period_from}..{row.period_to}",
        municipality=(
            (municipality.name or row.municipality) if municipality else row.municipality,
            municipality.bank_account if municipality else None,
        ),
        payee=(
            (payee.name or f"Organisation {contract.payee_id}") if payee else f"Organisation {contract.payee_id}",
            payee.bank_account if payee else None,
        ),
        execution_date=today,
    )


async def verify_ledger(session: AsyncSession, contract_id: uuid.UUID) -> LedgerCheckRead:
    """Recompute the contract's hash chain from its stored lines."""
    require_found(await contracts.get_contract(session, contract_id), "Contract")
    check, head = await store.verify_chain(session, contract_id)
    broken = check.first_broken
    return LedgerCheckRead(
        ok=check.ok,
        rows=check.rows,
        head=head if check.ok else None,
        first_broken=ChainBreakRead(row_id=broken.row_id, expected=broken.expected, found=broken.found)
        if broken
        else None,
    )


async def list_settlements(
    session: AsyncSession,
    *,
    municipality: str | None,
    contract_id: uuid.UUID | None,
    after: uuid.UUID | None,
    limit: int,
) -> list[SettlementSummary]:
    rows = await store.list_settlements(
        session, municipality=municipality, contract_id=contract_id, after=after, limit=limit
    )
    return [store.settlement_summary(row) for row in rows]


async def get_settlement(session: AsyncSession, settlement_id: uuid.UUID, *, actor: Actor) -> SettlementRead:
    """A statement with its lines; its lines name citizens with amounts, so the read is written to
    each named citizen's access log (through the outbox, in this transaction)."""
    statement = await _read(session, require_found(await store.get_settlement(session, settlement_id), "Settlement"))
    await record_access(session, [str(line.citizen_id) for line in statement.lines], "read", actor=actor)
    return statement


async def _read(session: AsyncSession, row: Row) -> SettlementRead:
    lines = await store.settlement_lines_of(session, row.id)
    return store.settlement_read(row, lines, await store.transitions_of(session, row.id))


def _cards_used(prices: Pricing, lines: Sequence[StatementLine], periods: Sequence[tuple[date, date]]) -> list[str]:
    """The cards that priced the statement's period (the last of `periods`) and the earlier periods its
    savings-share adjustments reopen."""
    reopened = {line.period_from for line in lines if line.name == SAVINGS_SHARE}
    used = [period for period in periods[:-1] if period[0] in reopened] + [periods[-1]]
    return list(dict.fromkeys(card_id for start, end in used for card_id in prices.card_ids_between(start, end)))


async def _net_shares(
    session: AsyncSession,
    terms: ContractTerms,
    card: RateCard,
    citizens: Sequence[Any],
    facts: list[CitizenFacts],
    periods: list[tuple[date, date]],
    months: list[Month],
    prices: Pricing,
) -> list[ShareLine]:
    """Savings shares on the §7 net municipal saving, with the rung each citizen was matched on."""
    comparison = await net_evaluations.comparison_for(
        session,
        country=card.country,
        period_to=months[-1].end,
        months=months,
        projection_rows=citizens,
        facts=facts,
        card=card,
        prices=prices,
    )
    assert terms.savings_share_percent is not None
    return share_lines(
        basis="net",
        share_percent=terms.savings_share_percent,
        periods=periods,
        contract_end=terms.ends_on,
        months=months,
        citizen_ids=[item.citizen_id for item in facts],
        gross_municipal={},
        comparison=comparison,
    )
