"""Put a change on the feed, in the writing transaction (the transactional outbox)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from registry.feed import entries
from registry.store.outbox import record_change, record_changes

FeedData = Callable[[Any], dict[str, Any]]
# Each entity's shape on the feed (entries.py), by its name on the feed.
DATA: dict[str, FeedData] = {
    "organisation": entries.organisation_data,
    "partnership": entries.partnership_data,
    "opening": entries.opening_data,
    "citizen": entries.citizen_data,
    "enrolment": entries.enrolment_data,
}


def upsert_change(entity: str, row: Any) -> dict[str, Any]:
    """An outbox row announcing the new state of `row`."""
    return {
        "entity": entity,
        "entity_id": str(row.id),
        "op": "upsert",
        "municipality": row.municipality,
        "data": DATA[entity](row),
    }


async def upserted(session: AsyncSession, entity: str, row: Any) -> None:
    """Announce the new state of `row`."""
    await record_changes(session, [upsert_change(entity, row)])


async def upserted_many(session: AsyncSession, changes: list[dict[str, Any]]) -> None:
    """Announce many new states (upsert_change rows) in one statement, in list order."""
    await record_changes(session, changes)


async def removed(session: AsyncSession, entity: str, row: Any, *, op: str = "delete") -> None:
    """Announce a delete or an erasure (no data)."""
    await record_change(session, entity=entity, entity_id=str(row.id), op=op, municipality=row.municipality, data=None)


async def municipality_upserted(session: AsyncSession, row: Any) -> None:
    await record_change(
        session,
        entity="municipality",
        entity_id=row.code,
        op="upsert",
        municipality=row.code,
        data=entries.municipality_data(row),
    )
