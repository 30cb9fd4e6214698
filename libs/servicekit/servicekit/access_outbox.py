"""The outbox that carries a service's access-log entries to the registry (`POST /internal/v1/access-log`).

Entries are written in the request's (or feed page's) transaction and drained in the background in
batches of up to 1,000, never in the request path. A batch is deleted only in the transaction that saw
the registry record it; while the registry is down the entries stay (attempts counted) and the next round
retries them, oldest first. When the registry refuses a batch (a 4xx answer), its entries are sent one by one
so that one entry it will never take does not hold back the others. An entry the registry refused
`max_attempts` times, or that is still unsent after `max_age` (an outage that long), is moved to a
dead-letter state (`dead_at` set; no longer sent, no longer blocking the entries behind it), counted in
`access_log_dead_letters_total` and logged by outbox row id only (never a citizen id). Erasing a citizen
deletes their entries, pending or dead (`forget_citizens`).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Annotated, Any

import httpx
import sqlalchemy as sa
import structlog
from asgi_correlation_id import correlation_id
from fastapi import Depends
from prometheus_client import Counter
from pydantic import Field
from pydantic_settings import BaseSettings
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.ext.asyncio import AsyncSession

from .access_log import Actor
from .auth import CurrentPrincipal
from .background import BackgroundLoop
from .columns import moment, optional_moment, primary, required
from .db import Database, set_tenant
from .http import ServiceClient

log = structlog.get_logger(__name__)

DEAD_LETTERS = Counter(
    "access_log_dead_letters_total",
    "Access-log entries given up on after failing too long (kept, not sent)",
    ["service"],
)


async def current_actor(principal: CurrentPrincipal) -> Actor:
    """Who is asking, for the record: the client, its municipality ('*' is none), the request id."""
    return Actor(
        client=principal.client_id,
        municipality=None if principal.is_national else principal.tenant,
        request_id=correlation_id.get(),
    )


ActorDep = Annotated[Actor, Depends(current_actor)]


def access_outbox_table(metadata: sa.MetaData) -> sa.Table:
    """`access_outbox`: access-log entries waiting for the registry (`dead_at` set: given up)."""
    return sa.Table(
        "access_outbox",
        metadata,
        primary("id", sa.BigInteger, sa.Identity()),
        required("citizen_id", sa.UUID, index=True),
        required("entry", JSONB),
        required("attempts", sa.Integer, server_default="0"),
        moment("created_at"),
        optional_moment("dead_at"),
    )


class AccessLogSettings(BaseSettings):
    """The drain's settings, mixed into a service's Settings (env `<PREFIX>ACCESS_LOG_…`)."""

    access_log_batch: int = Field(default=1000, ge=1, le=1000)
    access_log_poll_seconds: float = Field(default=2.0, gt=0)
    access_log_enabled: bool = True
    access_log_max_attempts: int = Field(
        default=1000, ge=1, description="Rounds an entry may fail before it is given up"
    )
    access_log_max_age_hours: float = Field(
        default=72.0, gt=0, description="Age after which a failing entry is given up"
    )

    def give_up(self) -> GiveUp:
        return GiveUp(self.access_log_max_attempts, timedelta(hours=self.access_log_max_age_hours))


@dataclass(frozen=True)
class GiveUp:
    """When a failing entry is moved to the dead letters: refused `max_attempts` times, or unsent after `max_age`."""

    max_attempts: int = 5
    max_age: timedelta = timedelta(hours=72)


async def add(session: AsyncSession, table: sa.Table, entries: list[dict[str, Any]]) -> None:
    """Queue entries in the caller's transaction."""
    if entries:
        rows = [{"citizen_id": uuid.UUID(entry["citizen_id"]), "entry": entry} for entry in entries]
        await session.execute(sa.insert(table), rows)


async def oldest(session: AsyncSession, table: sa.Table, limit: int) -> list[tuple[int, dict[str, Any]]]:
    """The oldest live entries, locked (another replica drains the next ones)."""
    query = (
        sa.select(table.c.id, table.c.entry)
        .where(table.c.dead_at.is_(None))
        .order_by(table.c.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    return [(int(row_id), dict(entry)) for row_id, entry in (await session.execute(query)).all()]


async def record_failure(
    session: AsyncSession, table: sa.Table, ids: list[int], give_up: GiveUp, *, refused: bool
) -> list[int]:
    """Count a failed round for these entries (`refused`: the registry answered 4xx to them, else it was down);
    those past the give-up rule become dead letters (their ids)."""
    await session.execute(sa.update(table).where(table.c.id.in_(ids)).values(attempts=table.c.attempts + 1))
    too_old = table.c.created_at < sa.func.now() - sa.literal(give_up.max_age, sa.Interval)
    expired = sa.or_(table.c.attempts >= give_up.max_attempts, too_old) if refused else too_old
    dead = await session.execute(
        sa.update(table)
        .where(table.c.id.in_(ids), table.c.dead_at.is_(None), expired)
        .values(dead_at=sa.func.now())
        .returning(table.c.id)
    )
    return sorted(int(row_id) for row_id in dead.scalars())


async def pending(session: AsyncSession, table: sa.Table) -> int:
    """Entries still to send."""
    query = sa.select(sa.func.count()).select_from(table).where(table.c.dead_at.is_(None))
    return int((await session.execute(query)).scalar_one())


async def dead_letters(session: AsyncSession, table: sa.Table) -> int:
    """Entries given up on."""
    query = sa.select(sa.func.count()).select_from(table).where(table.c.dead_at.is_not(None))
    return int((await session.execute(query)).scalar_one())


async def forget_citizens(session: AsyncSession, table: sa.Table, citizen_ids: list[uuid.UUID]) -> None:
    """Erased citizens' entries, pending or dead, are deleted with the rest of their data."""
    await session.execute(sa.delete(table).where(table.c.citizen_id.in_(citizen_ids)))


@dataclass(frozen=True)
class AccessLogReceipt:
    recorded: int
    unknown_citizens: list[str]


class RegistryAccessLog:
    """Typed client of the registry's access log (`POST /internal/v1/access-log`, scope internal)."""

    def __init__(self, client: ServiceClient) -> None:
        self.client = client

    async def report(self, entries: list[dict[str, Any]]) -> AccessLogReceipt:
        """Send 1-1,000 entries; raises on transport errors and any answer but 2xx (retried later)."""
        response = await self.client.request("POST", "/internal/v1/access-log", json={"entries": entries})
        response.raise_for_status()
        body = response.json()
        return AccessLogReceipt(int(body["recorded"]), [str(c) for c in body.get("unknown_citizens") or []])


class AccessLogShipper(BackgroundLoop):
    """Drains a service's outbox to the registry: in the background (drain, then wait `idle_seconds`, also
    after a failure) or on demand (`drain`)."""

    def __init__(
        self,
        database: Database,
        table: sa.Table,
        registry: RegistryAccessLog,
        *,
        service: str,
        batch: int = 1000,
        idle_seconds: float = 2.0,
        give_up: GiveUp = GiveUp(),
    ) -> None:
        super().__init__(f"access-log:{service}", idle_seconds=idle_seconds)
        self.database = database
        self.table = table
        self.registry = registry
        self.service = service
        self.batch = batch
        self.give_up = give_up

    @classmethod
    def configured(
        cls, database: Database, table: sa.Table, client: ServiceClient, settings: AccessLogSettings, *, service: str
    ) -> AccessLogShipper:
        """A shipper over the registry's client with a service's AccessLogSettings."""
        return cls(
            database,
            table,
            RegistryAccessLog(client),
            service=service,
            batch=settings.access_log_batch,
            idle_seconds=settings.access_log_poll_seconds,
            give_up=settings.give_up(),
        )

    async def drain_once(self) -> int:
        """Send one batch; the number of entries the registry took (0: nothing pending or it failed)."""
        async with self.database.sessions() as session, session.begin():
            await set_tenant(session, "*")
            waiting = await oldest(session, self.table, self.batch)
            if not waiting:
                return 0
            refused = await self._send(session, waiting)
            if refused is None:
                return 0
            if refused and len(waiting) > 1:
                # The registry refused the batch: one by one, so that only what it refuses stays behind.
                refused = []
                for item in waiting:
                    answer = await self._send(session, [item])
                    if answer is None:
                        return 0
                    refused.extend(answer)
            await self._record(session, refused, refused=True)
            return len(waiting) - len(refused)

    async def _send(self, session: AsyncSession, waiting: list[tuple[int, dict[str, Any]]]) -> list[int] | None:
        """Report entries and delete them once recorded: [] sent, their ids refused (4xx), None registry down."""
        ids = [row_id for row_id, _ in waiting]
        try:
            receipt = await self.registry.report([entry for _, entry in waiting])
        except httpx.HTTPStatusError as exc:
            if exc.response.status_code < 500:
                return ids
            failure = type(exc).__name__
        except Exception as exc:  # the registry is down: keep them for the next round
            failure = type(exc).__name__
        else:
            await session.execute(sa.delete(self.table).where(self.table.c.id.in_(ids)))
            if receipt.unknown_citizens:  # erased meanwhile in the registry: nothing left to attribute
                log.info("access_log_unknown_citizens", count=len(receipt.unknown_citizens))
            return []
        log.warning("access_log_report_failed", entries=len(ids), error=failure)
        await self._record(session, ids, refused=False)
        return None

    async def _record(self, session: AsyncSession, ids: list[int], *, refused: bool) -> None:
        if not ids:
            return
        if refused:
            log.warning("access_log_report_refused", entries=len(ids))
        dead = await record_failure(session, self.table, ids, self.give_up, refused=refused)
        if dead:
            DEAD_LETTERS.labels(self.service).inc(len(dead))
            log.error("access_log_dead_lettered", entries=len(dead), outbox_ids=dead)

    async def drain(self) -> int:
        """Drain until the outbox is empty or a round fails; the entries sent."""
        sent = 0
        while shipped := await self.drain_once():
            sent += shipped
        return sent

    async def step(self) -> bool:
        """Drain, then rest `idle_seconds`: what the registry did not take waits for the next round."""
        await self.drain()
        return False

    def failed(self, error: Exception, retry_in: float) -> str:
        log.exception("access_log_drain_failed")  # the database blinked: try again next round
        return type(error).__name__
