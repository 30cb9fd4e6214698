"""The outbox end to end inside the service: feed page -> delivery rows -> signed POSTs, retries,
the dead-letter list, replay, and rows a dead dispatcher held."""

import asyncio
import json
import uuid
from collections.abc import Callable
from typing import Any

import httpx
from fastapi import FastAPI
from standardwebhooks import Webhook

from servicekit.auth import NATIONAL
from servicekit.db import set_tenant
from tests.conftest import MAX_ATTEMPTS, FakeSources, Receiver
from webhooks.feed.dispatch import Dispatcher
from webhooks.store import deliveries


async def subscribe(
    client: httpx.AsyncClient, receiver: Receiver, headers: dict[str, str], events: list[str]
) -> tuple[str, str, str]:
    """A new webhook on its own receiver path: (id, secret, path)."""
    path = f"/hooks/{uuid.uuid4().hex}"
    created = await client.post("/v1/webhooks", json={"url": receiver.url(path), "events": events}, headers=headers)
    assert created.status_code == 201, created.text
    return created.json()["id"], created.json()["secret"], path


async def deliveries_of(
    client: httpx.AsyncClient, headers: dict[str, str], webhook_id: str, **params: str
) -> list[Any]:
    answer = await client.get(f"/v1/webhooks/{webhook_id}/deliveries", headers=headers, params=params)
    assert answer.status_code == 200, answer.text
    return list(answer.json()["items"])


async def test_an_enrolment_arrives_signed_with_ids_only(
    client: httpx.AsyncClient,
    stevns: dict[str, str],
    sources: FakeSources,
    receiver: Receiver,
    sync: Callable[[], Any],
    dispatcher: Dispatcher,
) -> None:
    webhook_id, secret, path = await subscribe(client, receiver, stevns, ["citizen.enrolled"])
    citizen_id = str(uuid.uuid4())
    enrolment_id = sources.enrolment("DK-0336", citizen_id=citizen_id)
    sources.enrolment("DK-0849")  # another municipality's: not for this webhook
    await sync()
    await sync()  # a page fetched twice adds nothing
    await dispatcher.drain()
    [request] = receiver.to(path)
    payload = Webhook(secret).verify(request.content, request.headers)
    assert payload["type"] == "citizen.enrolled"
    assert payload["data"]["citizen_id"] == citizen_id
    assert payload["data"]["enrolment_id"] == enrolment_id
    [delivery] = await deliveries_of(client, stevns, webhook_id)
    assert delivery["status"] == "delivered"
    assert request.headers["webhook-id"] == delivery["id"]


async def test_outcomes_and_matching_events_reach_their_subscribers(
    client: httpx.AsyncClient,
    stevns: dict[str, str],
    jammerbugt: dict[str, str],
    sources: FakeSources,
    receiver: Receiver,
    sync: Callable[[], Any],
    dispatcher: Dispatcher,
) -> None:
    events = ["milestone.reached", "statement.approved", "ranking_run.finished"]
    _, _, stevns_path = await subscribe(client, receiver, stevns, events)
    _, _, jammerbugt_path = await subscribe(client, receiver, jammerbugt, ["ranking_run.finished"])
    sources.event("outcomes", "statement.approved", "DK-0336", {"statement_id": "s1"})
    sources.event("outcomes", "milestone.reached", "DK-0336", {"citizen_id": "c1", "milestone": "retained_3m"})
    sources.event("matching", "ranking_run.finished", None, {"ranking_run_id": "r1"})
    await sync()
    await dispatcher.drain()
    stevns_types = sorted(json.loads(r.content)["type"] for r in receiver.to(stevns_path))
    assert stevns_types == sorted(events)
    assert [json.loads(r.content)["type"] for r in receiver.to(jammerbugt_path)] == ["ranking_run.finished"]


async def test_a_failing_receiver_is_retried_then_dead_lettered_then_replayed(
    client: httpx.AsyncClient,
    stevns: dict[str, str],
    sources: FakeSources,
    receiver: Receiver,
    sync: Callable[[], Any],
    dispatcher: Dispatcher,
) -> None:
    webhook_id, secret, path = await subscribe(client, receiver, stevns, ["citizen.enrolled"])
    receiver.status[path] = 503
    sources.enrolment("DK-0336")
    await sync()
    await dispatcher.drain()
    assert len(receiver.to(path)) == MAX_ATTEMPTS
    assert len({r.headers["webhook-id"] for r in receiver.to(path)}) == 1  # one message, retried
    [dead] = await deliveries_of(client, stevns, webhook_id, status="failed")
    assert dead["attempts"] == MAX_ATTEMPTS
    assert dead["last_status_code"] == 503

    receiver.status.pop(path)
    replayed = await client.post(f"/v1/webhooks/{webhook_id}/deliveries/{dead['id']}:replay", headers=stevns)
    assert replayed.status_code == 202
    assert replayed.json()["status"] == "pending"
    await dispatcher.drain()
    assert await deliveries_of(client, stevns, webhook_id, status="failed") == []
    [delivered] = await deliveries_of(client, stevns, webhook_id, status="delivered")
    assert delivered["id"] == dead["id"]
    Webhook(secret).verify(receiver.to(path)[-1].content, receiver.to(path)[-1].headers)


async def test_a_receiver_that_recovers_gets_the_delivery_on_a_retry(
    client: httpx.AsyncClient,
    stevns: dict[str, str],
    sources: FakeSources,
    receiver: Receiver,
    sync: Callable[[], Any],
    dispatcher: Dispatcher,
) -> None:
    webhook_id, _, path = await subscribe(client, receiver, stevns, ["citizen.enrolled"])
    receiver.status[path] = 500
    sources.enrolment("DK-0336")
    await sync()
    await dispatcher.dispatch_once()
    receiver.status.pop(path)
    await dispatcher.drain()
    [delivery] = await deliveries_of(client, stevns, webhook_id)
    assert (delivery["status"], delivery["attempts"]) == ("delivered", 2)


async def test_a_disabled_webhook_is_sent_nothing(
    client: httpx.AsyncClient,
    stevns: dict[str, str],
    sources: FakeSources,
    receiver: Receiver,
    sync: Callable[[], Any],
    dispatcher: Dispatcher,
) -> None:
    webhook_id, _, path = await subscribe(client, receiver, stevns, ["citizen.enrolled"])
    await client.delete(f"/v1/webhooks/{webhook_id}", headers=stevns)
    sources.enrolment("DK-0336")
    await sync()
    await dispatcher.drain()
    assert receiver.to(path) == []


async def test_rows_a_dead_dispatcher_held_are_sent_after_the_restart(
    client: httpx.AsyncClient,
    stevns: dict[str, str],
    sources: FakeSources,
    receiver: Receiver,
    sync: Callable[[], Any],
    dispatcher: Dispatcher,
    webhooks_app: FastAPI,
) -> None:
    webhook_id, _, path = await subscribe(client, receiver, stevns, ["citizen.enrolled"])
    sources.enrolment("DK-0336")
    await sync()
    database = webhooks_app.state.database
    # A dispatcher claims the row and dies before it records anything: its transaction is lost.
    async with database.sessions() as session:
        await session.begin()
        await set_tenant(session, NATIONAL)
        claimed = await deliveries.claim_due(session, limit=1000)
        assert claimed
        # While it holds them, another replica claims none of the same rows (SKIP LOCKED).
        async with database.sessions() as other, other.begin():
            await set_tenant(other, NATIONAL)
            assert {c.id for c in await deliveries.claim_due(other, limit=1000)}.isdisjoint({c.id for c in claimed})
        await session.rollback()
    await dispatcher.drain()
    [delivery] = await deliveries_of(client, stevns, webhook_id)
    assert delivery["status"] == "delivered"
    assert len(receiver.to(path)) == 1


async def test_concurrent_dispatchers_send_each_delivery_once(
    client: httpx.AsyncClient,
    stevns: dict[str, str],
    sources: FakeSources,
    receiver: Receiver,
    sync: Callable[[], Any],
    webhooks_app: FastAPI,
) -> None:
    _, _, path = await subscribe(client, receiver, stevns, ["citizen.enrolled"])
    for _ in range(60):
        sources.enrolment("DK-0336")
    await sync()
    replicas = [
        Dispatcher(
            webhooks_app.state.database,
            webhooks_app.state.receivers,
            webhooks_app.state.dispatcher.policy,
            batch_size=7,
        )
        for _ in range(3)
    ]
    await asyncio.gather(*(replica.drain() for replica in replicas))
    ids = [r.headers["webhook-id"] for r in receiver.to(path)]
    assert len(ids) == 60
    assert len(set(ids)) == 60
