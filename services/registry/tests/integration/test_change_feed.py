from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest

from ..factories import citizen


async def _read_all(
    client: httpx.AsyncClient, headers: dict[str, str], after: str, limit: int = 37
) -> tuple[list[dict[str, Any]], str]:
    items: list[dict[str, Any]] = []
    while True:
        page = (
            await client.get("/internal/v1/changes", params={"after": after, "limit": limit}, headers=headers)
        ).json()
        items += page["items"]
        if not page["items"]:
            return items, after
        after = page["next_cursor"]


async def _until_waiting_for_outbox_lock(connection: Any, within_seconds: float = 10.0) -> None:
    """Poll (bounded) until another writer queues behind the outbox's advisory lock."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within_seconds
    waiting = (
        "select count(*) from pg_locks join pg_database on pg_database.oid = pg_locks.database"
        " where locktype = 'advisory' and not granted and datname = current_database()"
    )
    while not await connection.fetchval(waiting):
        assert loop.time() < deadline, "the second writer never reached the outbox"
        await asyncio.sleep(0.01)


async def test_consumer_resumes_and_gets_exactly_the_changes_it_missed(
    client: httpx.AsyncClient, stevns: dict[str, str], internal: dict[str, str]
) -> None:
    _, cursor = await _read_all(client, internal, "")
    created = (
        await client.post("/v1/citizens:batch", json={"items": [citizen() for _ in range(60)]}, headers=stevns)
    ).json()
    ids = [r["id"] for r in created["items"]]
    for citizen_id in ids[:30]:
        response = await client.patch(
            f"/v1/citizens/{citizen_id}", json={"work_capacity_hours": 3}, headers={**stevns, "If-Match": '"1"'}
        )
        assert response.status_code == 200
    for citizen_id in ids[30:40]:
        assert (await client.delete(f"/v1/citizens/{citizen_id}", headers=stevns)).status_code == 204
    missed, _ = await _read_all(client, internal, cursor)
    assert len(missed) == 100
    assert [c["seq"] for c in missed] == sorted(c["seq"] for c in missed)
    # An erased citizen's earlier entry (its creation) is a tombstone too: 10 erasures + 10 rewritten.
    erased = [c for c in missed if c["op"] == "erased"]
    assert len(erased) == 20
    assert {c["entity_id"] for c in erased} == set(ids[30:40])
    assert all(c["data"] is None for c in erased)
    assert {c["entity_id"] for c in missed} == set(ids)


async def test_bad_cursor_is_422_and_scope_is_internal(
    client: httpx.AsyncClient, internal: dict[str, str], stevns: dict[str, str]
) -> None:
    assert (await client.get("/internal/v1/changes", params={"after": "abc"}, headers=internal)).status_code == 422
    assert (await client.get("/internal/v1/changes", headers=stevns)).status_code == 403


@pytest.mark.slow
async def test_concurrent_writers_never_let_a_cursor_pass_an_invisible_row(
    client: httpx.AsyncClient, stevns: dict[str, str], internal: dict[str, str]
) -> None:
    _, start = await _read_all(client, internal, "")
    writers, batches = 6, 5
    done = asyncio.Event()
    seen: list[int] = []

    async def consume() -> None:
        cursor = start
        while True:
            finished = done.is_set()
            page = (
                await client.get("/internal/v1/changes", params={"after": cursor, "limit": 50}, headers=internal)
            ).json()
            seen.extend(c["seq"] for c in page["items"])
            cursor = page["next_cursor"]
            if finished and not page["items"]:
                return
            await asyncio.sleep(0)

    async def write(n: int) -> None:
        for _ in range(batches):
            items = [citizen() for _ in range(3 + n)]
            response = await client.post("/v1/citizens:batch", json={"items": items}, headers=stevns)
            assert response.status_code == 200

    consumer = asyncio.create_task(consume())
    await asyncio.gather(*(write(n) for n in range(writers)))
    done.set()
    await consumer
    everything, _ = await _read_all(client, internal, start)
    # The consumer, polling while writers committed, saw every row exactly once and in order.
    assert seen == [c["seq"] for c in everything]
    assert len(seen) == sum(batches * (3 + n) for n in range(writers))


async def test_a_later_commit_waits_for_an_earlier_open_outbox_writer(
    client: httpx.AsyncClient, stevns: dict[str, str], internal: dict[str, str], registry_database: Any
) -> None:
    import asyncpg

    from registry.store.outbox import OUTBOX_LOCK_ID

    _, cursor = await _read_all(client, internal, "")
    slow = await asyncpg.connect(registry_database.app_url)
    try:
        transaction = slow.transaction()
        await transaction.start()
        await slow.execute("select set_config('app.tenant', 'DK-0336', true)")
        await slow.execute("select pg_advisory_xact_lock($1)", OUTBOX_LOCK_ID)
        early = await slow.fetchval(
            "insert into outbox (entity, entity_id, op, municipality)"
            " values ('citizen', 'slow', 'delete', 'DK-0336') returning seq"
        )
        fast = asyncio.create_task(client.post("/v1/citizens", json=citizen(), headers=stevns))
        await _until_waiting_for_outbox_lock(slow)
        page = (await client.get("/internal/v1/changes", params={"after": cursor}, headers=internal)).json()
        assert page["items"] == []
        assert page["next_cursor"] == cursor
        assert not fast.done()
        await transaction.commit()
        assert (await fast).status_code == 201
    finally:
        await slow.close()
    items, _ = await _read_all(client, internal, cursor)
    assert [c["seq"] for c in items][:1] == [early]
    assert len(items) == 2
    assert items[1]["seq"] > early


async def enrol(client: httpx.AsyncClient, stevns: dict[str, str], partnership_id: str) -> str:
    person = await client.post("/v1/citizens", json=citizen(), headers=stevns)
    body = {
        "programme": "citizen_course",
        "citizen_id": person.json()["id"],
        "partnership_id": partnership_id,
        "started_on": "2026-02-01",
    }
    enrolled = await client.post("/v1/enrolments", json=body, headers=stevns)
    assert enrolled.status_code == 201, enrolled.text
    return str(enrolled.json()["id"])


async def test_a_follower_that_asks_for_some_entities_gets_only_those_and_its_cursor_reaches_the_head(
    client: httpx.AsyncClient, stevns: dict[str, str], internal: dict[str, str]
) -> None:
    """Webhooks wants enrolments only: it reads none of the citizens in between, and a short page
    moves its cursor to the head, so the next read starts after everything it was not sent."""
    from .test_partnerships_and_enrolments import partnership

    _, cursor = await _read_all(client, internal, "")
    growth = await partnership(client, stevns)
    first, second = await enrol(client, stevns, growth["id"]), await enrol(client, stevns, growth["id"])
    for _ in range(3):
        assert (await client.post("/v1/citizens", json=citizen(), headers=stevns)).status_code == 201

    def read(after: str, limit: int) -> Any:
        params = {"after": after, "limit": limit, "entity": "enrolment"}
        return client.get("/internal/v1/changes", params=params, headers=internal)

    full = (await read(cursor, 1)).json()
    assert [(c["entity"], c["entity_id"]) for c in full["items"]] == [("enrolment", first)]
    assert full["next_cursor"] == str(full["items"][0]["seq"])  # a full page: more may follow
    rest = (await read(full["next_cursor"], 10)).json()
    assert [(c["entity"], c["entity_id"]) for c in rest["items"]] == [("enrolment", second)]
    assert rest["next_cursor"] == str(rest["head"])  # short: nothing of the kind before the head
    assert (await read(rest["next_cursor"], 10)).json()["items"] == []
    everything, _ = await _read_all(client, internal, cursor)
    assert {c["entity"] for c in everything} >= {"organisation", "partnership", "citizen", "enrolment"}


async def test_an_entity_the_feed_does_not_carry_is_refused_naming_it(
    client: httpx.AsyncClient, internal: dict[str, str]
) -> None:
    answer = await client.get("/internal/v1/changes", params={"entity": "payslip"}, headers=internal)
    assert answer.status_code == 422
    assert [e["field"] for e in answer.json()["errors"]] == ["query.entity.0"]
