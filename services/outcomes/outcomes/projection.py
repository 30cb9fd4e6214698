"""The citizen projection: follows the registry's change feed, idempotently, cursor kept in the database."""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from datetime import date
from typing import Any

import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from outcomes import repository as repo
from outcomes.clients.registry_feed import RegistryFeed
from servicekit.db import Database, set_tenant

CONSUMER = "registry"
log = structlog.get_logger(__name__)


async def apply_change(session: AsyncSession, change: dict[str, Any]) -> None:
    """Apply one feed item; applying it twice leaves the same state."""
    entity, op, data = change["entity"], change["op"], change.get("data") or {}
    municipality = str(change.get("municipality") or data.get("municipality") or "")
    if entity == "municipality" and op == "upsert":
        await repo.upsert_municipality(session, code=data["code"], country=data["country"])
    elif entity == "citizen":
        citizen_id = uuid.UUID(change["entity_id"])
        if op == "upsert":
            await repo.upsert_citizen(
                session,
                citizen_id=citizen_id,
                municipality=municipality,
                target_group=data.get("target_group"),
                benefit=data.get("benefit"),
            )
        else:
            await repo.erase_citizen(session, citizen_id, municipality)
    elif entity == "enrolment":
        await _apply_enrolment(session, change, data, municipality)
    elif entity == "partnership" and op == "upsert":
        await repo.upsert_partnership(
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


async def _apply_enrolment(
    session: AsyncSession, change: dict[str, Any], data: dict[str, Any], municipality: str
) -> None:
    enrolment_id = uuid.UUID(change["entity_id"])
    if change["op"] != "upsert":
        await repo.delete_enrolment(session, enrolment_id)
        return
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
    await repo.upsert_enrolment(session, values)
    if values["programme"] == "citizen_course" and values["citizen_id"] is not None:
        await repo.enrol_citizen(
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


async def sync_once(database: Database, feed: RegistryFeed, *, limit: int = 500) -> int:
    """Read one page after the stored cursor and apply it with the new cursor in one transaction."""
    async with database.sessions() as session, session.begin():
        await set_tenant(session, "*")
        position = await repo.feed_position(session, CONSUMER)  # row lock: one replica applies a page at a time
        page = await feed.changes(after=position.cursor if position else None, limit=limit)
        for change in page["items"]:
            await apply_change(session, change)
        last = page["items"][-1]["seq"] if page["items"] else (position.position if position else 0)
        await repo.save_feed_position(
            session, CONSUMER, cursor=page["next_cursor"], position=int(last), head=int(page.get("head", last))
        )
        return len(page["items"])


async def follow(database: Database, feed: RegistryFeed, *, poll_seconds: float, limit: int) -> None:
    """Background consumer: drain the feed, then poll; errors are logged and retried, never fatal."""
    while True:
        try:
            applied = await sync_once(database, feed, limit=limit)
        except asyncio.CancelledError:
            raise
        except Exception:  # the feed or database may be briefly away; the cursor makes a retry safe
            log.exception("registry feed sync failed")
            applied = 0
        if applied < limit:
            await asyncio.sleep(poll_seconds)


async def stop(task: asyncio.Task[None]) -> None:
    """Cancel the consumer at shutdown."""
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
