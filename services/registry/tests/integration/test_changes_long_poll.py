"""The change feed long-polls: a caught-up follower's request is answered by the next committed change."""

from __future__ import annotations

import asyncio

import asyncpg
import httpx
import structlog.testing
from fastapi import FastAPI

from registry.feed.pages import changes_page
from servicekit.notifications import ChannelListener

from ..factories import citizen

FEED = "/internal/v1/changes"


async def _head(client: httpx.AsyncClient, internal: dict[str, str]) -> int:
    head: int = (await client.get(FEED, params={"limit": 1}, headers=internal)).json()["head"]
    return head


async def _until_waiting(listener: ChannelListener, deadline_seconds: float = 10.0) -> None:
    """Poll (bounded) until a reader waits on the listener."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + deadline_seconds
    while listener.waiting == 0:
        assert loop.time() < deadline, "the long poll never started waiting"
        await asyncio.sleep(0.01)


async def test_a_waiting_poll_is_answered_by_the_next_committed_change(
    client: httpx.AsyncClient, registry_app: FastAPI, stevns: dict[str, str], internal: dict[str, str]
) -> None:
    head = await _head(client, internal)
    poll = asyncio.create_task(client.get(FEED, params={"after": str(head), "wait": 20}, headers=internal))
    await _until_waiting(registry_app.state.changes_listener)
    created = (await client.post("/v1/citizens", json=citizen(), headers=stevns)).json()
    # Answered by the commit's notification, long before the 20 seconds asked for run out.
    answer = await asyncio.wait_for(poll, timeout=10)
    assert answer.status_code == 200
    page = answer.json()
    assert created["id"] in {change["entity_id"] for change in page["items"]}
    assert int(page["next_cursor"]) > head


async def test_changes_already_there_are_answered_at_once(
    client: httpx.AsyncClient, stevns: dict[str, str], internal: dict[str, str]
) -> None:
    head = await _head(client, internal)
    created = (await client.post("/v1/citizens", json=citizen(), headers=stevns)).json()
    answer = await asyncio.wait_for(
        client.get(FEED, params={"after": str(head), "wait": 20}, headers=internal), timeout=10
    )
    assert created["id"] in {change["entity_id"] for change in answer.json()["items"]}


async def test_a_poll_with_nothing_new_answers_empty_when_its_wait_runs_out(
    client: httpx.AsyncClient, internal: dict[str, str]
) -> None:
    head = await _head(client, internal)
    answer = await client.get(FEED, params={"after": str(head), "wait": 0.2}, headers=internal)
    assert answer.json() == {"items": [], "next_cursor": str(head), "head": head}


async def test_without_a_listener_the_feed_answers_at_once(registry_app: FastAPI) -> None:
    # Nothing listens on a port where no server runs: the reader must not wait for a notification.
    deaf = ChannelListener("postgresql://nobody@127.0.0.1:9/none", "registry_changes", retry_seconds=3600)
    await deaf.start()
    assert not deaf.listening
    body = await asyncio.wait_for(
        changes_page(registry_app.state.database, "*", deaf, after=10**12, limit=10, wait=20), timeout=10
    )
    assert '"items":[]' in body


async def test_wait_is_bounded(client: httpx.AsyncClient, internal: dict[str, str]) -> None:
    answer = await client.get(FEED, params={"wait": 26}, headers=internal)
    assert answer.status_code == 422
    assert answer.json()["errors"][0]["field"] == "query.wait"


async def test_stopping_the_listener_is_not_reported_as_a_lost_connection(registry_app: FastAPI) -> None:
    listener = ChannelListener(registry_app.state.database.driver_url(), "registry_changes")
    await listener.start()
    assert listener.listening
    with structlog.testing.capture_logs() as logs:
        await listener.stop()
        await asyncio.sleep(0)  # one loop turn: asyncpg calls termination listeners with call_soon
    assert not listener.listening
    assert [entry for entry in logs if entry["event"] == "listener_lost"] == []


async def test_a_connection_the_server_ends_is_reported_and_readers_answer_at_once(registry_app: FastAPI) -> None:
    listener = ChannelListener(registry_app.state.database.driver_url(), "registry_changes", retry_seconds=3600)
    await listener.start()
    woken = await listener.armed()
    assert woken is not None
    connection = listener._connection
    assert connection is not None
    with structlog.testing.capture_logs() as logs:
        await _terminate(registry_app, connection.get_server_pid())
        # A reader waiting when the connection went is woken, not left to its timeout.
        assert await listener.wait(woken, timeout=10)
    assert [entry["event"] for entry in logs] == ["listener_lost"]
    assert not listener.listening
    assert await listener.armed() is None
    await listener.stop()


async def _terminate(registry_app: FastAPI, backend_pid: int) -> None:
    """End one backend from the server side, as a restart or an administrator would."""
    admin = await asyncpg.connect(registry_app.state.database.driver_url())
    try:
        await admin.execute("SELECT pg_terminate_backend($1)", backend_pid)
    finally:
        await admin.close()


async def test_a_cursor_the_feed_did_not_hand_out_is_422(client: httpx.AsyncClient, internal: dict[str, str]) -> None:
    answer = await client.get(FEED, params={"after": "not-a-cursor"}, headers=internal)
    assert answer.status_code == 422
    assert answer.json()["errors"][0]["field"] == "query.after"


async def test_a_narrowed_poll_waits_through_other_changes_for_one_it_asked_for(
    client: httpx.AsyncClient, registry_app: FastAPI, stevns: dict[str, str], internal: dict[str, str]
) -> None:
    """Webhooks' poll (`entity=enrolment`) is not answered by the citizen committed first, but by the
    enrolment after it, and its cursor ends at the head, past the citizen."""
    from .test_change_feed import enrol
    from .test_partnerships_and_enrolments import partnership

    growth = await partnership(client, stevns)
    head = await _head(client, internal)
    params = {"after": str(head), "wait": 20, "entity": "enrolment"}
    poll = asyncio.create_task(client.get(FEED, params=params, headers=internal))
    await _until_waiting(registry_app.state.changes_listener)
    enrolment = await enrol(client, stevns, growth["id"])  # a citizen is committed first
    page = (await asyncio.wait_for(poll, timeout=10)).json()
    assert [(c["entity"], c["entity_id"]) for c in page["items"]] == [("enrolment", enrolment)]
    assert page["next_cursor"] == str(page["head"])
