"""/v1/contracts — two-sided Payment-by-Results terms: milestones, tariffs, premium, savings share, caps."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Response

from outcomes.api.deps import (
    ERRORS,
    CursorCodecDep,
    MunicipalityFilter,
    OutcomesReader,
    PageParamsDep,
    SessionDep,
    SettingsDep,
    SettlementsWriter,
    located,
    page_by_id,
)
from outcomes.schemas.contracts import ContractCreate, ContractRead
from outcomes.usecases import contracts
from servicekit.idempotency import idempotent
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

    async def create() -> ContractRead:
        municipality = principal.municipality_for_write(body.municipality)
        contract = await contracts.create_contract(
            session,
            municipality=municipality,
            body=body,
            default_rate_card_id=settings.default_rate_cards.get(municipality[:2], ""),
        )
        return located(response, contract, location="/v1/contracts")

    return await create()


@router.get("", response_model=Page[ContractRead], responses=ERRORS)
async def list_contracts(
    session: SessionDep,
    principal: OutcomesReader,
    page: PageParamsDep,
    codec: CursorCodecDep,
    partnership_id: Annotated[uuid.UUID | None, Query()] = None,
    municipality: MunicipalityFilter = None,
) -> Page[ContractRead]:
    """List contracts (optionally of one partnership)."""
    items, cursor = await page_by_id(
        page,
        codec,
        kind="contracts",
        fetch=lambda after, limit: contracts.list_contracts(
            session, municipality=municipality, partnership_id=partnership_id, after=after, limit=limit
        ),
    )
    return Page[ContractRead](items=items, next_cursor=cursor)


@router.get("/{contract_id}", response_model=ContractRead, responses=ERRORS)
async def get_contract(contract_id: uuid.UUID, session: SessionDep, principal: OutcomesReader) -> ContractRead:
    """Read one contract."""
    return await contracts.get_contract(session, contract_id)
