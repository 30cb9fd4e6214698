"""/v1/contracts — two-sided Payment-by-Results terms: milestones, tariffs, premium, savings share, caps."""

from __future__ import annotations

import uuid
from functools import partial
from typing import Annotated

from fastapi import APIRouter, Query, Response

from outcomes.api.deps import ListingDep, OutcomesReader, SessionDep, SettingsDep, SettlementsWriter, located
from outcomes.schemas.contracts import ContractCreate, ContractRead
from outcomes.usecases import contracts
from servicekit.idempotency import idempotent
from servicekit.openapi import ERRORS
from servicekit.pagination import Page
from servicekit.routing import JsonRoute

router = APIRouter(route_class=JsonRoute, prefix="/v1/contracts", tags=["contracts"])


@router.post("", status_code=201, response_model=ContractRead, responses=ERRORS)
@idempotent
async def create_contract(
    body: ContractCreate,
    session: SessionDep,
    principal: SettlementsWriter,
    settings: SettingsDep,
    response: Response,
) -> ContractRead:
    """Create a PbR contract for a partnership (citizen course or company accelerator side)."""
    municipality = principal.municipality_for_write(body.municipality)
    contract = await contracts.create_contract(
        session,
        municipality=municipality,
        body=body,
        default_rate_card_id=settings.default_rate_cards.get(municipality[:2], ""),
    )
    return located(response, contract, location="/v1/contracts")


@router.get("", response_model=Page[ContractRead], responses=ERRORS)
async def list_contracts(
    listing: ListingDep, partnership_id: Annotated[uuid.UUID | None, Query()] = None
) -> Page[ContractRead]:
    """List contracts (optionally of one partnership)."""
    return await listing.by_id("contracts", partial(contracts.list_contracts, partnership_id=partnership_id))


@router.get("/{contract_id}", response_model=ContractRead, responses=ERRORS)
async def get_contract(contract_id: uuid.UUID, session: SessionDep, principal: OutcomesReader) -> ContractRead:
    """Read one contract."""
    return await contracts.get_contract(session, contract_id)
