"""SQL for contracts, their stored terms as domain terms and as the HTTP answer."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from outcomes.domain.milestones import MilestoneRules
from outcomes.domain.money import parse_fraction
from outcomes.domain.pbr import ContractTerms
from outcomes.domain.placement_kinds import parse_milestone_kinds
from outcomes.schemas.contracts import ContractCreate, ContractRead
from outcomes.store.tables import (
    contracts,
)

Row = sa.Row[Any]


def terms_document(body: ContractCreate, *, currency: str) -> dict[str, Any]:
    """How a contract's terms are stored: percents as exact decimal text."""
    return {
        "currency": currency,
        "tariffs": body.tariffs,
        "premium_percent": {group: str(value) for group, value in body.premium_percent.items()},
        "savings_share_percent": str(body.savings_share_percent) if body.savings_share_percent is not None else None,
        "cap_per_citizen": body.cap_per_citizen,
        "cap_total": body.cap_total,
        "gap_days": body.gap_days,
        "min_hours": body.min_hours,
        "deadweight": body.deadweight,
        "savings_share_basis": body.savings_share_basis,
        "milestone_kinds": body.milestone_kinds,
    }


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
        milestone_kinds=parse_milestone_kinds(terms.get("milestone_kinds")),
        # Contracts stored before the basis existed were agreed on the gross saving.
        savings_share_basis=str(terms.get("savings_share_basis") or "gross"),
    )


# What a contract stored before a term existed reads as (the rules read it so too: `contract_terms`).
TERMS_STORED_WITHOUT: dict[str, Any] = {
    "premium_percent": {},
    "savings_share_percent": None,
    "cap_per_citizen": None,
    "cap_total": None,
    "milestone_kinds": None,
}


def contract_read(row: Row) -> ContractRead:
    """The answer: the row's columns and, beside them, its stored terms (percents stay exact decimal text)."""
    terms = row.terms
    basis = str(terms.get("savings_share_basis") or "gross")
    return ContractRead.model_validate({**row._mapping, **TERMS_STORED_WITHOUT, **terms, "savings_share_basis": basis})


async def insert_contract(session: AsyncSession, values: dict[str, Any]) -> Row:
    row = (await session.execute(sa.insert(contracts).values(**values).returning(*contracts.c))).first()
    assert row is not None
    return row


async def get_contract(session: AsyncSession, contract_id: uuid.UUID) -> Row | None:
    return (await session.execute(sa.select(contracts).where(contracts.c.id == contract_id))).first()


async def list_contracts(
    session: AsyncSession,
    *,
    municipality: str | None = None,
    partnership_id: uuid.UUID | None,
    after: uuid.UUID | None,
    limit: int,
) -> Sequence[Row]:
    query = sa.select(contracts).order_by(contracts.c.id).limit(limit)
    if municipality:
        query = query.where(contracts.c.municipality == municipality)
    if partnership_id:
        query = query.where(contracts.c.partnership_id == partnership_id)
    if after:
        query = query.where(contracts.c.id > after)
    return (await session.execute(query)).all()


async def contracts_for(
    session: AsyncSession, *, municipality: str | None, partnership_id: uuid.UUID | None
) -> Sequence[Row]:
    query = sa.select(contracts)
    if municipality:
        query = query.where(contracts.c.municipality == municipality)
    if partnership_id:
        query = query.where(contracts.c.partnership_id == partnership_id)
    return (await session.execute(query)).all()
