"""SQL for rate cards: reference data shared by every tenant."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from outcomes.schemas.rate_cards import RateCardRead
from outcomes.store.tables import (
    rate_cards,
)
from servicekit.domain_errors import Conflict

Row = sa.Row[Any]


def rate_card_read(row: Row) -> RateCardRead:
    return RateCardRead(id=row.id, country=row.country, year=row.year, currency=row.currency, document=row.document)


async def upsert_rate_card(session: AsyncSession, document: dict[str, Any]) -> None:
    statement = insert(rate_cards).values(
        id=document["id"],
        country=document["country"],
        year=document["year"],
        currency=document["currency"],
        document=document,
    )
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=[rate_cards.c.id],
            set_={"document": statement.excluded.document, "loaded_at": sa.func.now()},
        )
    )


async def list_rate_cards(session: AsyncSession, *, country: str | None = None) -> Sequence[Row]:
    query = sa.select(rate_cards).order_by(rate_cards.c.id)
    if country:
        query = query.where(rate_cards.c.country == country)
    return (await session.execute(query)).all()


async def get_rate_card(session: AsyncSession, card_id: str) -> Row | None:
    return (await session.execute(sa.select(rate_cards).where(rate_cards.c.id == card_id))).first()


async def insert_rate_card(session: AsyncSession, document: dict[str, Any]) -> Row:
    """A new card; an existing id is never overwritten (the caller checked, the primary key guarantees)."""
    statement = (
        insert(rate_cards)
        .values(
            id=document["id"],
            country=document["country"],
            year=document["year"],
            currency=document["currency"],
            document=document,
        )
        .on_conflict_do_nothing()
        .returning(*rate_cards.c)
    )
    row = (await session.execute(statement)).first()
    if row is None:
        raise Conflict(f"Rate card {document['id']!r} exists; cards are never overwritten.")
    return row
