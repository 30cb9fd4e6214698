"""The citizen projection: follows the registry's change feed, idempotently, cursor kept in the database."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from outcomes.store import erasure
from outcomes.store import projection as store
from outcomes.store.access_outbox import record_access
from outcomes.store.tables import feed_cursors
from servicekit.db import Database
from servicekit.feed import FeedConsumer, FeedFollowerSettings
from servicekit.feed_cursor import CursorFollower
from servicekit.http import ServiceClient

CONSUMER = "registry"
# What the projection applies; the feed sends nothing else (no job openings reach this service).
FOLLOWED_ENTITIES = ["municipality", "organisation", "partnership", "citizen", "enrolment"]


async def apply_change(session: AsyncSession, change: dict[str, Any]) -> None:
    """Apply one feed item; applying it twice leaves the same state."""
    entity, op, data = change["entity"], change["op"], change.get("data") or {}
    municipality = str(change.get("municipality") or data.get("municipality") or "")
    if op != "upsert":
        await _remove(session, entity, change["entity_id"], municipality)
    elif entity == "municipality":
        await store.upsert_municipality(
            session,
            code=data["code"],
            country=data["country"],
            name=data.get("name"),
            bank_account=data.get("bank_account") or None,
        )
    elif entity == "organisation":
        await _apply_organisation(session, uuid.UUID(change["entity_id"]), data, municipality)
    elif entity == "citizen":
        await store.upsert_citizens(session, [_citizen_row(change)])
    elif entity == "enrolment":
        await _apply_enrolment(session, uuid.UUID(change["entity_id"]), data, municipality)
    elif entity == "partnership":
        await store.upsert_partnership(
            session,
            {
                "id": uuid.UUID(data["id"]),
                "municipality": municipality,
                "company_id": _uuid(data.get("company_id")),
                "provider_id": _uuid(data.get("provider_id")),
                "starts_on": _date(data.get("starts_on")),
                "ends_on": _date(data.get("ends_on")),
            },
        )


async def _remove(session: AsyncSession, entity: str, entity_id: str, municipality: str) -> None:
    """A removal on the feed: an erased citizen keeps its pseudonymous row; municipalities and
    partnerships are never removed from the projection."""
    if entity == "citizen":
        await erasure.erase_citizens(session, {uuid.UUID(entity_id): municipality})
    elif entity == "organisation":
        await store.delete_organisation(session, uuid.UUID(entity_id))
    elif entity == "enrolment":
        await store.delete_enrolment(session, uuid.UUID(entity_id))


async def apply_changes(session: AsyncSession, changes: list[dict[str, Any]]) -> None:
    """Apply feed items in order, consecutive citizen upserts in one statement and consecutive
    citizen erasures in another (a batch erasure or a retention run puts thousands in a row).

    A run ends at any other change (an enrolment reads the citizen row) and before a citizen
    repeats, so the result is exactly that of applying the items one by one."""
    run: dict[str, dict[str, Any]] = {}
    erasing: dict[uuid.UUID, str] = {}

    async def flush() -> None:
        await store.upsert_citizens(session, list(run.values()))
        run.clear()
        await erasure.erase_citizens(session, dict(erasing))
        erasing.clear()

    for change in changes:
        if change["entity"] == "citizen" and change["op"] == "upsert":
            if change["entity_id"] in run or erasing:
                await flush()
            run[change["entity_id"]] = _citizen_row(change)
            continue
        if change["entity"] == "citizen":
            if run:
                await flush()
            erasing[uuid.UUID(change["entity_id"])] = _citizen_row(change)["municipality"]
            continue
        await flush()
        await apply_change(session, change)
    await flush()


def _citizen_row(change: dict[str, Any]) -> dict[str, Any]:
    data = change.get("data") or {}
    return {
        "id": change["entity_id"],
        "municipality": str(change.get("municipality") or data.get("municipality") or ""),
        "target_group": data.get("target_group"),
        "birth_year": data.get("birth_year"),
        "benefit": data.get("benefit"),
    }


async def _apply_organisation(
    session: AsyncSession, organisation_id: uuid.UUID, data: dict[str, Any], municipality: str
) -> None:
    await store.upsert_organisation(
        session,
        {
            "id": organisation_id,
            "municipality": municipality,
            "kind": data.get("kind"),
            "name": data.get("name"),
            "bank_account": data.get("bank_account") or None,
            "deleted": False,
        },
    )


async def _apply_enrolment(
    session: AsyncSession, enrolment_id: uuid.UUID, data: dict[str, Any], municipality: str
) -> None:
    values = {
        "id": enrolment_id,
        "municipality": municipality,
        "programme": data["programme"],
        "citizen_id": _uuid(data.get("citizen_id")),
        "organisation_id": _uuid(data.get("organisation_id")),
        "partnership_id": uuid.UUID(data["partnership_id"]),
        "started_on": date.fromisoformat(data["started_on"]),
        "deleted": False,
    }
    await store.upsert_enrolment(session, values)
    if values["programme"] == "citizen_course" and values["citizen_id"] is not None:
        await store.enrol_citizen(
            session,
            citizen_id=values["citizen_id"],
            municipality=municipality,
            partnership_id=values["partnership_id"],
            started_on=values["started_on"],
        )


def _uuid(value: Any) -> uuid.UUID | None:
    return uuid.UUID(str(value)) if value else None


def _date(value: Any) -> date | None:
    return date.fromisoformat(value) if value else None


async def _apply_page(session: AsyncSession, fresh: list[dict[str, Any]]) -> None:
    # Following the feed reads personal data too: an access-log entry per citizen, by outcomes itself
    # (queued before the changes, so an erasure later on the same page removes them with the rest).
    read = [str(change["entity_id"]) for change in fresh if change["entity"] == "citizen" and change["op"] == "upsert"]
    await record_access(session, read, "feed", actor=None)
    await apply_changes(session, fresh)


class CitizenProjectionFeed(CursorFollower):
    """The cursor and the page application behind servicekit's FeedConsumer, which fetches the pages:
    servicekit's CursorFollower over this service's `feed_cursors`, applying to the projection."""

    def __init__(self, database: Database) -> None:
        super().__init__(database, feed_cursors, CONSUMER, _apply_page)


def registry_follower(database: Database, client: ServiceClient, settings: FeedFollowerSettings) -> FeedConsumer:
    """servicekit's consumer of the registry feed, applying pages to this service's projection."""
    return FeedConsumer.paced(
        settings,
        client=client,
        follower=CitizenProjectionFeed(database),
        name=CONSUMER,
        query={"entity": FOLLOWED_ENTITIES},
    )
