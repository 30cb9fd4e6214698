"""Keeps the feature store in step with the registry's change feed.

The cursor lives in the matching database and moves in the same transaction as the changes it
covers, so a crash never skips or half-applies a page; rows only move forward in feed order, so
a page applied twice changes nothing. After downtime the consumer resumes from its cursor.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from matching import repository as repo
from matching.clients.registry_feed import Change, RegistryFeed
from matching.feed_records import citizen_row, enrolment_row, opening_row, partnership_row
from matching.models import citizen_features, enrolment_features, opening_features, partnership_features
from servicekit.db import Database, set_tenant

log = structlog.get_logger("matching.feed")

ROWS = {
    "citizen": (citizen_features, citizen_row),
    "opening": (opening_features, opening_row),
    "partnership": (partnership_features, partnership_row),
    "enrolment": (enrolment_features, enrolment_row),
}


@dataclass
class FeedStatus:
    position: int = 0
    head: int = 0
    last_error: str | None = None
    last_success: float | None = None
    applied: int = 0
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def lag(self) -> int:
        return max(0, self.head - self.position)


async def apply_change(session: AsyncSession, change: Change) -> None:
    """Apply one change; entities matching does not use (municipality, organisation) are skipped."""
    spec = ROWS.get(change.entity)
    if spec is None:
        return
    table, to_row = spec
    if change.op == "upsert" and change.data is not None:
        await repo.upsert_features(session, table, to_row(change.seq, change.data))
    elif change.entity == "citizen":
        await repo.erase_citizen(session, uuid.UUID(change.entity_id))
    else:
        await repo.delete_features(session, table, uuid.UUID(change.entity_id))


class FeedConsumer:
    def __init__(
        self, database: Database, feed: RegistryFeed, *, page_size: int = 500, poll_seconds: float = 1.0
    ) -> None:
        self.database = database
        self.feed = feed
        self.page_size = page_size
        self.poll_seconds = poll_seconds
        self.status = FeedStatus()

    async def _session_position(self) -> str:
        async with self.database.sessions() as session, session.begin():
            await set_tenant(session, "*")
            row = await repo.read_cursor(session)
            return row.position if row else ""

    async def step(self) -> int:
        """Fetch and apply one page; returns how many changes it held."""
        position = await self._session_position()
        page = await self.feed.changes(after=position or None, limit=self.page_size)
        async with self.database.sessions() as session, session.begin():
            await set_tenant(session, "*")
            await repo.ensure_cursor(session)
            current = await repo.read_cursor(session, lock=True)
            if current is not None and current.position != position:
                return 0  # another replica applied this page meanwhile
            for change in page.items:
                await apply_change(session, change)
            applied_seq = page.items[-1].seq if page.items else (current.applied_seq if current else 0)
            await repo.save_cursor(session, position=page.next_cursor, applied_seq=applied_seq, head=page.head)
        self.status.position = applied_seq if page.items else max(self.status.position, applied_seq)
        self.status.head = page.head
        self.status.applied += len(page.items)
        self.status.last_error = None
        self.status.last_success = time.time()
        return len(page.items)

    async def catch_up(self) -> None:
        """Apply pages until the feed has nothing new."""
        while await self.step():
            pass

    async def run(self) -> None:
        """Follow the feed until cancelled; errors are logged and retried with backoff."""
        backoff = self.poll_seconds
        while True:
            try:
                if await self.step() == 0:
                    await asyncio.sleep(self.poll_seconds)
                backoff = self.poll_seconds
            except asyncio.CancelledError:
                raise
            except Exception as error:  # the feed must survive an upstream or database hiccup
                self.status.last_error = f"{type(error).__name__}: {error}"
                log.warning("feed step failed", error=self.status.last_error)
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, 30.0)
