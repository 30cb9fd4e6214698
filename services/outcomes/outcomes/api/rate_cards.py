"""/v1/rate-cards — benefit rates, refusion staircase, discount rate, exit rates, unit costs, with sources."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from outcomes import repository as repo
from outcomes.api.deps import ERRORS, OutcomesReader, SessionDep
from outcomes.schemas import RateCardRead
from servicekit.errors import NotFound
from servicekit.pagination import Page
from servicekit.routing import JsonRoute

router = APIRouter(route_class=JsonRoute, prefix="/v1/rate-cards", tags=["rate-cards"])


def read(row: Any) -> RateCardRead:
    return RateCardRead(id=row.id, country=row.country, year=row.year, currency=row.currency, document=row.document)


@router.get("", response_model=Page[RateCardRead], responses=ERRORS)
async def list_rate_cards(
    session: SessionDep, principal: OutcomesReader, country: Annotated[str | None, Query(pattern="^(DK|SE)$")] = None
) -> Any:
    """List rate cards (a handful; one page)."""
    return Page[RateCardRead](items=[read(row) for row in await repo.list_rate_cards(session, country=country)])


@router.get("/{card_id}", response_model=RateCardRead, responses=ERRORS)
async def get_rate_card(card_id: str, session: SessionDep, principal: OutcomesReader) -> Any:
    """Read one rate card, every figure with its source and verified/derived/unverified mark."""
    row = await repo.get_rate_card(session, card_id)
    if row is None:
        raise NotFound("Rate card not found.")
    return read(row)
