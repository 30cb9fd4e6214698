"""Ships matching's access-log entries to the registry: the outbox is written in the request's (or
feed page's) transaction and drained here in batches of up to 1,000, never in the request path.
A batch is deleted only in the transaction that saw the registry record it; when the registry is
down the entries stay (their attempts counted) and the next round retries them, oldest first."""

from __future__ import annotations

import asyncio
import contextlib

import structlog

from matching.clients.registry_access_log import RegistryAccessLog
from matching.store import access_outbox
from servicekit.db import Database, set_tenant

log = structlog.get_logger(__name__)


async def drain_once(database: Database, registry: RegistryAccessLog, *, batch: int = 1000) -> int:
    """Send one batch; the number of entries the registry took (0: nothing pending or it failed)."""
    async with database.sessions() as session, session.begin():
        await set_tenant(session, "*")
        pending = await access_outbox.oldest(session, batch)
        if not pending:
            return 0
        ids = [i for i, _ in pending]
        try:
            receipt = await registry.report([entry for _, entry in pending])
        except Exception as exc:  # the registry is down or refused: keep them for the next round
            log.warning("access_log_report_failed", entries=len(ids), error=str(exc))
            await access_outbox.count_attempt(session, ids)
            return 0
        await access_outbox.delete(session, ids)
        if receipt.unknown_citizens:  # erased meanwhile in the registry: nothing left to attribute
            log.info("access_log_unknown_citizens", count=len(receipt.unknown_citizens))
        return len(ids)


async def drain(database: Database, registry: RegistryAccessLog, *, batch: int = 1000) -> int:
    """Drain until the outbox is empty or a round fails; the entries sent."""
    sent = 0
    while shipped := await drain_once(database, registry, batch=batch):
        sent += shipped
    return sent


class AccessLogShipper:
    """The background task: drain, then wait `idle_seconds` (also after a failure)."""

    def __init__(self, database: Database, registry: RegistryAccessLog, *, batch: int, idle_seconds: float) -> None:
        self.database = database
        self.registry = registry
        self.batch = batch
        self.idle_seconds = idle_seconds
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._run(), name="access-log-shipper")

    async def _run(self) -> None:
        while True:
            try:
                await drain(self.database, self.registry, batch=self.batch)
            except Exception:  # the database blinked: try again next round
                log.exception("access_log_drain_failed")
            await asyncio.sleep(self.idle_seconds)

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
