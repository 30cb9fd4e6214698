"""Outcomes' outbox of access-log entries (servicekit.access_outbox over outcomes' `access_outbox` table):
every read of a citizen's personal data is queued in the reading transaction, for the registry's access log."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from servicekit import access_outbox as outbox
from servicekit.access_log import AccessWhat, Actor, access_entry

from .tables import access_outbox

SERVICE = "outcomes"


async def record_access(
    session: AsyncSession, citizen_ids: Iterable[str], what: AccessWhat, *, actor: Actor | None
) -> None:
    """One entry per citizen read (no actor: outcomes' own process, e.g. following the feed)."""
    at = datetime.now(UTC)
    entries = [access_entry(SERVICE, citizen_id, what, at, actor=actor) for citizen_id in dict.fromkeys(citizen_ids)]
    await outbox.add(session, access_outbox, entries)
