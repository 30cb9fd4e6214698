"""Matching's outbox of access-log entries (servicekit.access_outbox over matching's `access_outbox` table)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from servicekit import access_outbox as outbox

from .tables import access_outbox


async def add(session: AsyncSession, entries: list[dict[str, Any]]) -> None:
    """Queue entries in the caller's transaction."""
    await outbox.add(session, access_outbox, entries)
