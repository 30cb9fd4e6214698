"""The dispatcher: claim due deliveries from the outbox, sign, send, record what came of it.

A batch is claimed with FOR UPDATE SKIP LOCKED and its rows stay locked while they are sent, so
replicas never send the same row at once, and a process that dies mid-batch leaves its rows
pending: after a restart they are sent again with the same `webhook-id` (at least once; the
receiver drops the duplicate).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime

import structlog

from servicekit.background import BackgroundLoop
from servicekit.db import Database, set_tenant
from servicekit.municipalities import NATIONAL
from webhooks.clients.receivers import Receivers
from webhooks.domain.backoff import RetryPolicy
from webhooks.domain.signing import signed_headers
from webhooks.store import deliveries
from webhooks.store.deliveries import Claimed, Outcome

log = structlog.get_logger("webhooks.dispatch")
Sign = Callable[..., dict[str, str]]


class Dispatcher(BackgroundLoop):
    """Sends due deliveries in the background: a batch not full rests `idle_seconds`, a failed one at least a second."""

    def __init__(
        self,
        database: Database,
        receivers: Receivers,
        policy: RetryPolicy,
        *,
        batch_size: int = 200,
        concurrency: int = 64,
        idle_seconds: float = 0.5,
        sign: Sign = signed_headers,
    ) -> None:
        super().__init__("webhooks:dispatch", idle_seconds=idle_seconds, backoff_seconds=max(idle_seconds, 1.0))
        self.database = database
        self.receivers = receivers
        self.policy = policy
        self.batch_size = batch_size
        self.sign = sign  # the Standard Webhooks signature; the benchmark's unsigned baseline swaps it
        self._slots = asyncio.Semaphore(concurrency)

    async def dispatch_once(self) -> int:
        """Claim one batch of due deliveries, send them, record the outcomes; the number claimed."""
        async with self.database.sessions() as session, session.begin():
            await set_tenant(session, NATIONAL)
            claimed = await deliveries.claim_due(session, limit=self.batch_size)
            if not claimed:
                return 0
            outcomes = await asyncio.gather(*(self._attempt(item) for item in claimed))
            await deliveries.record_outcomes(session, list(outcomes))
        return len(claimed)

    async def drain(self, max_batches: int = 10_000) -> int:
        """Send until nothing is due (tests, benchmarks)."""
        total = 0
        for _ in range(max_batches):
            sent = await self.dispatch_once()
            total += sent
            if sent == 0:
                break
        return total

    async def _attempt(self, item: Claimed) -> Outcome:
        body = item.body.encode()
        async with self._slots:
            headers = self.sign(item.secret, message_id=str(item.id), timestamp=datetime.now(UTC), body=body)
            answer = await self.receivers.post(item.url, body=body, headers=headers)
        if answer.delivered:
            return Outcome(item.id, "delivered", answer.status_code, None)
        attempts = item.attempts + 1
        if self.policy.exhausted(attempts):
            return Outcome(item.id, "failed", answer.status_code, answer.error)
        return Outcome(item.id, "pending", answer.status_code, answer.error, retry_in=self.policy.delay(attempts))

    async def step(self) -> bool:
        """One batch; whether it was full (more may be due)."""
        return await self.dispatch_once() >= self.batch_size

    def failed(self, error: Exception, retry_in: float) -> str:
        log.exception("dispatch_failed")  # the database away, a bug: keep the service up, make it loud
        return type(error).__name__
