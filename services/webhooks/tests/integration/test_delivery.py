"""The outbox end to end inside the service: feed page -> delivery rows -> signed POSTs, retries,
the dead-letter list, replay, and rows a dead dispatcher held."""

import asyncio
import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from standardwebhooks import Webhook

from servicekit.db import set_tenant
from servicekit.municipalities import NATIONAL
from tests.conftest import MAX_ATTEMPTS, FakeSources, Receiver
from webhooks.feed.dispatch import Dispatcher
from webhooks.store import deliveries


@dataclass
class Hooks:
    """The service, its fake sources and a receiver, driven step by step."""

    client: httpx.AsyncClient
    receiver: Receiver
    sources: FakeSources
    sync: Callable[[], Any]
    dispatcher: Dispatcher
    app: FastAPI

    async def subscribe(self, headers: dict[str, str], events: list[str]) -> tuple[str, str, str]:
        """A new webhook on its own receiver path: (id, secret, path)."""
        path = f"/hooks/{uuid.uuid4().hex}"
        body = {"url": self.receiver.url(path), "events": events}
        created = await self.client.post("/v1/webhooks", json=body, headers=headers)
        assert created.status_code == 201, created.text
        return created.json()["id"], created.json()["secret"], path

    async def deliveries(self, headers: dict[str, str], webhook_id: str, **params: str) -> list[Any]:
        answer = await self.client.get(f"/v1/webhooks/{webhook_id}/deliveries", headers=headers, params=params)
        assert answer.status_code == 200, answer.text
        return list(answer.json()["items"])

    async def deliver(self) -> None:
        """Follow every feed, then send until nothing is due."""
        await self.sync()
        await self.dispatcher.drain()


@pytest.fixture
def hooks(
    client: httpx.AsyncClient,
    receiver: Receiver,
    sources: FakeSources,
    sync: Callable[[], Any],
    dispatcher: Dispatcher,
    webhooks_app: FastAPI,
) -> Hooks:
    return Hooks(client, receiver, sources, sync, dispatcher, webhooks_app)


async def test_an_enrolment_arrives_signed_with_ids_only(hooks: Hooks, stevns: dict[str, str]) -> None:
    webhook_id, secret, path = await hooks.subscribe(stevns, ["citizen.enrolled"])
    citizen_id = str(uuid.uuid4())
    enrolment_id = hooks.sources.enrolment("DK-0336", citizen_id=citizen_id)
    hooks.sources.enrolment("DK-0849")  # another municipality's: not for this webhook
    await hooks.deliver()
    await hooks.deliver()  # pages fetched again add nothing
    [request] = hooks.receiver.to(path)
    payload = Webhook(secret).verify(request.content, request.headers)
    assert payload["type"] == "citizen.enrolled"
    assert payload["data"]["citizen_id"] == citizen_id
    assert payload["data"]["enrolment_id"] == enrolment_id
    [delivery] = await hooks.deliveries(stevns, webhook_id)
    assert delivery["status"] == "delivered"
    assert request.headers["webhook-id"] == delivery["id"]


async def test_outcomes_and_matching_events_reach_their_subscribers(
    hooks: Hooks, stevns: dict[str, str], jammerbugt: dict[str, str]
) -> None:
    events = ["milestone.reached", "statement.approved", "ranking_run.finished"]
    _, _, stevns_path = await hooks.subscribe(stevns, events)
    _, _, jammerbugt_path = await hooks.subscribe(jammerbugt, ["ranking_run.finished"])
    hooks.sources.event("outcomes", "statement.approved", "DK-0336", {"statement_id": "s1"})
    hooks.sources.event("outcomes", "milestone.reached", "DK-0336", {"citizen_id": "c1", "milestone": "retained_3m"})
    hooks.sources.event("matching", "ranking_run.finished", None, {"ranking_run_id": "r1"})
    await hooks.deliver()
    stevns_types = sorted(json.loads(r.content)["type"] for r in hooks.receiver.to(stevns_path))
    assert stevns_types == sorted(events)
    assert [json.loads(r.content)["type"] for r in hooks.receiver.to(jammerbugt_path)] == ["ranking_run.finished"]


async def test_a_failing_receiver_is_retried_then_dead_lettered_then_replayed(
    hooks: Hooks, stevns: dict[str, str]
) -> None:
    webhook_id, secret, path = await hooks.subscribe(stevns, ["citizen.enrolled"])
    hooks.receiver.status[path] = 503
    hooks.sources.enrolment("DK-0336")
    await hooks.deliver()
    assert len(hooks.receiver.to(path)) == MAX_ATTEMPTS
    assert len({r.headers["webhook-id"] for r in hooks.receiver.to(path)}) == 1  # one message, retried
    [dead] = await hooks.deliveries(stevns, webhook_id, status="failed")
    assert (dead["attempts"], dead["last_status_code"]) == (MAX_ATTEMPTS, 503)

    hooks.receiver.status.pop(path)
    replayed = await hooks.client.post(f"/v1/webhooks/{webhook_id}/deliveries/{dead['id']}:replay", headers=stevns)
    assert replayed.status_code == 202
    assert replayed.json()["status"] == "pending"
    await hooks.deliver()
    assert await hooks.deliveries(stevns, webhook_id, status="failed") == []
    [delivered] = await hooks.deliveries(stevns, webhook_id, status="delivered")
    assert delivered["id"] == dead["id"]
    last = hooks.receiver.to(path)[-1]
    Webhook(secret).verify(last.content, last.headers)


async def test_a_receiver_that_recovers_gets_the_delivery_on_a_retry(hooks: Hooks, stevns: dict[str, str]) -> None:
    webhook_id, _, path = await hooks.subscribe(stevns, ["citizen.enrolled"])
    hooks.receiver.status[path] = 500
    hooks.sources.enrolment("DK-0336")
    await hooks.sync()
    await hooks.dispatcher.dispatch_once()
    hooks.receiver.status.pop(path)
    await hooks.deliver()
    [delivery] = await hooks.deliveries(stevns, webhook_id)
    assert (delivery["status"], delivery["attempts"]) == ("delivered", 2)


async def test_a_disabled_webhook_is_sent_nothing(hooks: Hooks, stevns: dict[str, str]) -> None:
    webhook_id, _, path = await hooks.subscribe(stevns, ["citizen.enrolled"])
    await hooks.client.delete(f"/v1/webhooks/{webhook_id}", headers=stevns)
    hooks.sources.enrolment("DK-0336")
    await hooks.deliver()
    assert hooks.receiver.to(path) == []


async def test_rows_a_dead_dispatcher_held_are_sent_after_the_restart(hooks: Hooks, stevns: dict[str, str]) -> None:
    webhook_id, _, path = await hooks.subscribe(stevns, ["citizen.enrolled"])
    hooks.sources.enrolment("DK-0336")
    await hooks.sync()
    database = hooks.app.state.database
    # A dispatcher claims the row and dies before it records anything: its transaction is lost.
    async with database.sessions() as session:
        await session.begin()
        await set_tenant(session, NATIONAL)
        claimed = {c.id for c in await deliveries.claim_due(session, limit=1000)}
        assert claimed
        # While it holds them, another replica claims none of the same rows (SKIP LOCKED).
        async with database.sessions() as other, other.begin():
            await set_tenant(other, NATIONAL)
            assert {c.id for c in await deliveries.claim_due(other, limit=1000)}.isdisjoint(claimed)
        await session.rollback()
    await hooks.dispatcher.drain()
    [delivery] = await hooks.deliveries(stevns, webhook_id)
    assert delivery["status"] == "delivered"
    assert len(hooks.receiver.to(path)) == 1


async def test_concurrent_dispatchers_send_each_delivery_once(hooks: Hooks, stevns: dict[str, str]) -> None:
    _, _, path = await hooks.subscribe(stevns, ["citizen.enrolled"])
    for _ in range(60):
        hooks.sources.enrolment("DK-0336")
    await hooks.sync()
    state = hooks.app.state
    replicas = [Dispatcher(state.database, state.receivers, state.dispatcher.policy, batch_size=7) for _ in range(3)]
    await asyncio.gather(*(replica.drain() for replica in replicas))
    ids = [r.headers["webhook-id"] for r in hooks.receiver.to(path)]
    assert len(ids) == 60
    assert len(set(ids)) == 60
