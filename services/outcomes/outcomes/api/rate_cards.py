"""/v1/rate-cards — benefit rates, refusion staircase, discount rate, exit rates, unit costs, with sources."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response

from outcomes.api.deps import Admin, OutcomesReader, SessionDep
from outcomes.schemas.rate_cards import RateCardCreate, RateCardRead
from outcomes.usecases import rate_cards
from servicekit.idempotency import idempotent
from servicekit.municipalities import COUNTRY_PATTERN
from servicekit.openapi import ERRORS
from servicekit.pagination import Page
from servicekit.routing import JsonRoute

router = APIRouter(route_class=JsonRoute, prefix="/v1/rate-cards", tags=["rate-cards"])


@router.get("", response_model=Page[RateCardRead], responses=ERRORS)
async def list_rate_cards(
    session: SessionDep,
    principal: OutcomesReader,
    country: Annotated[str | None, Query(pattern=COUNTRY_PATTERN)] = None,
) -> Page[RateCardRead]:
    """List rate cards (a handful; one page)."""
    return Page[RateCardRead](items=await rate_cards.list_rate_cards(session, country=country))


@router.post("", status_code=201, response_model=RateCardRead, responses={**ERRORS, 409: {"description": "Id exists"}})
@idempotent
async def create_rate_card(
    body: RateCardCreate, session: SessionDep, principal: Admin, response: Response
) -> RateCardRead:
    """Add a card for a validity period (never overwrites one; a period overlapping another card of the
    country is 422 naming `valid_from`)."""
    card = await rate_cards.create_rate_card(session, body.model_dump(mode="json", exclude_none=True))
    response.headers["Location"] = f"/v1/rate-cards/{card.id}"
    return card


@router.get("/{card_id}", response_model=RateCardRead, responses=ERRORS)
async def get_rate_card(card_id: str, session: SessionDep, principal: OutcomesReader) -> RateCardRead:
    """Read one rate card, every figure with its source and verified/derived/unverified mark."""
    return await rate_cards.get_rate_card(session, card_id)
