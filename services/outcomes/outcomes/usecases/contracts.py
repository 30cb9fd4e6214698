"""Contracts: create one for a partnership's own parties, list and read them."""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from outcomes.domain.contracts import PartnershipParties, contract_company
from outcomes.domain.errors import require_found
from outcomes.domain.placement_kinds import parse_milestone_kinds
from outcomes.schemas.contracts import ContractCreate, ContractRead
from outcomes.store import contracts as store
from outcomes.store import projection
from outcomes.usecases.rate_cards import rate_card


async def create_contract(
    session: AsyncSession, *, municipality: str, body: ContractCreate, default_rate_card_id: str
) -> ContractRead:
    """Create a PbR contract; the payee and company must be the partnership's own organisations."""
    partnership = await projection.get_partnership(session, body.partnership_id)
    parties = (
        PartnershipParties(partnership.municipality, partnership.provider_id, partnership.company_id)
        if partnership is not None
        else None
    )
    company_id = contract_company(
        parties=parties, municipality=municipality, side=body.side, payee_id=body.payee_id, company_id=body.company_id
    )
    card = await rate_card(session, body.rate_card_id or default_rate_card_id)
    parse_milestone_kinds(body.milestone_kinds)  # 422 naming milestone_kinds.<milestone>
    row = await store.insert_contract(
        session,
        {
            "id": uuid.uuid4(),
            "municipality": municipality,
            "partnership_id": body.partnership_id,
            "side": body.side,
            "payee_id": body.payee_id,
            "company_id": company_id,
            "rate_card_id": card.id,
            "terms": store.terms_document(body, currency=card.currency),
            "starts_on": body.starts_on,
            "ends_on": body.ends_on,
        },
    )
    return store.contract_read(row)


async def list_contracts(
    session: AsyncSession,
    *,
    municipality: str | None,
    partnership_id: uuid.UUID | None,
    after: uuid.UUID | None,
    limit: int,
) -> list[ContractRead]:
    rows = await store.list_contracts(
        session, municipality=municipality, partnership_id=partnership_id, after=after, limit=limit
    )
    return [store.contract_read(row) for row in rows]


async def get_contract(session: AsyncSession, contract_id: uuid.UUID) -> ContractRead:
    return store.contract_read(require_found(await store.get_contract(session, contract_id), "Contract"))
