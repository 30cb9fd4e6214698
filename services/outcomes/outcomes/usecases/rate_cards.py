"""Rate cards: loading the shipped cards, reading them, and a card as the rules see it."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from outcomes.domain.card_periods import check_new_period, period_of
from outcomes.domain.errors import UnknownRateCard, require_found
from outcomes.domain.ratecard import RateCard, parse_rate_card
from outcomes.schemas.rate_cards import RateCardRead
from outcomes.store import rate_cards as store
from servicekit.db import Database
from servicekit.domain_errors import InvalidField


def _read_rate_cards(folder: Path) -> list[dict[str, Any]]:
    return [json.loads(path.read_text(encoding="utf-8")) for path in sorted(folder.glob("*.json"))]


async def load_rate_cards(database: Database, folder: Path) -> None:
    """Load (or refresh) the rate cards shipped in outcomes/rate_cards."""
    documents = await asyncio.to_thread(_read_rate_cards, folder)
    async with database.sessions() as session, session.begin():
        for document in documents:
            await store.upsert_rate_card(session, document)


async def list_rate_cards(session: AsyncSession, *, country: str | None) -> list[RateCardRead]:
    return [store.rate_card_read(row) for row in await store.list_rate_cards(session, country=country)]


async def get_rate_card(session: AsyncSession, card_id: str) -> RateCardRead:
    return store.rate_card_read(require_found(await store.get_rate_card(session, card_id), "Rate card"))


async def rate_card(session: AsyncSession, card_id: str) -> RateCard:
    """A loaded rate card for the rules, or 422 naming `rate_card_id`."""
    row = await store.get_rate_card(session, card_id)
    if row is None:
        raise UnknownRateCard(card_id)
    return parse_rate_card(row.document)


async def country_cards(session: AsyncSession, country: str) -> dict[str, RateCard]:
    """Every card of a country, by id (each valid for its own period)."""
    return {row.id: parse_rate_card(row.document) for row in await store.list_rate_cards(session, country=country)}


async def create_rate_card(session: AsyncSession, document: dict[str, Any]) -> RateCardRead:
    """Add a card for a new period: 409 if the id exists, 422 (`valid_from`) if it overlaps a card of its country."""
    try:
        card = parse_rate_card(document)
    except (KeyError, ValueError, TypeError) as error:
        raise InvalidField("document", f"not a rate card: {error}", code="invalid_rate_card") from error
    existing = [period_of(parse_rate_card(row.document)) for row in await store.list_rate_cards(session)]
    check_new_period(existing, period_of(card))
    return store.rate_card_read(await store.insert_rate_card(session, document))
