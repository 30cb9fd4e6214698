"""The feed consumer against the real registry app: what another replica already applied stays applied."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable

import httpx
from fastapi import FastAPI

from matching.feed.feature_store import feature_store_follower
from matching.store import profiles
from matching.store.tables import feed_cursors
from servicekit.db import Database, set_tenant
from servicekit.feed import FeedConsumer
from servicekit.feed_cursor import load_feed_cursor
from servicekit.testing import TokenFactory

from ..factories import citizen, opening
from .test_recommendations import create

Sync = Callable[[], Awaitable[None]]


async def test_a_page_another_replica_applied_changes_nothing(
    registry: httpx.AsyncClient,
    client: httpx.AsyncClient,
    matching_app: FastAPI,
    stevns_registry: dict[str, str],
    reader: dict[str, str],
    sync: Sync,
) -> None:
    person = await create(registry, "/v1/citizens", citizen(), stevns_registry)
    await sync()
    assert (await registry.delete(f"/v1/citizens/{person['id']}", headers=stevns_registry)).status_code == 204
    await sync()
    database: Database = matching_app.state.database
    async with database.sessions() as session, session.begin():
        await set_tenant(session, "*")
        before = await load_feed_cursor(session, feed_cursors, "registry", lock=False)
    assert before is not None

    # The citizen's upsert again, as a replica that fetched an older page would hand it over.
    stale = {
        "seq": 1,
        "entity": "citizen",
        "entity_id": person["id"],
        "op": "upsert",
        "municipality": "DK-0336",
        "data": {**person, "id": person["id"], "municipality": "DK-0336"},
    }
    await matching_app.state.feature_store_feed.apply_page([stale], "an-older-cursor")

    async with database.sessions() as session, session.begin():
        await set_tenant(session, "*")
        after = await load_feed_cursor(session, feed_cursors, "registry", lock=False)
        assert await profiles.get_citizen(session, uuid.UUID(person["id"])) is None  # the erasure stands
    assert after is not None
    assert (after.position, after.applied_seq) == (before.position, before.applied_seq)
    gone = await client.get("/v1/recommendations", params={"citizen_id": person["id"]}, headers=reader)
    assert gone.status_code == 404


async def test_a_page_with_repeated_updates_and_an_erasure_keeps_feed_order(
    registry: httpx.AsyncClient,
    matching_app: FastAPI,
    stevns_registry: dict[str, str],
    sync: Sync,
) -> None:
    """Upserts are applied in one statement per run of a table: the latest change of each citizen
    wins, and an erasure in the middle of the page still removes the citizen."""
    await sync()
    erased = await create(registry, "/v1/citizens", citizen(), stevns_registry)
    kept = await create(registry, "/v1/citizens", citizen(), stevns_registry)
    for person, hours in ((kept, 5), (erased, 6), (kept, 9)):
        url = f"/v1/citizens/{person['id']}"
        etag = (await registry.get(url, headers=stevns_registry)).headers["etag"]
        changed = await registry.patch(
            url, json={"work_capacity_hours": hours}, headers={**stevns_registry, "If-Match": etag}
        )
        assert changed.status_code == 200, changed.text
    assert (await registry.delete(f"/v1/citizens/{erased['id']}", headers=stevns_registry)).status_code == 204
    await sync()
    database: Database = matching_app.state.database
    async with database.sessions() as session, session.begin():
        await set_tenant(session, "*")
        assert await profiles.get_citizen(session, uuid.UUID(erased["id"])) is None
        stored = await profiles.get_citizen(session, uuid.UUID(kept["id"]))
    assert stored is not None
    assert stored.work_capacity_hours == 9


async def test_feed_position_answers_the_last_applied_change_to_internal_callers_only(
    registry: httpx.AsyncClient,
    client: httpx.AsyncClient,
    matching_app: FastAPI,
    stevns_registry: dict[str, str],
    reader: dict[str, str],
    tokens: TokenFactory,
    sync: Sync,
) -> None:
    person = await create(registry, "/v1/citizens", citizen(), stevns_registry)
    assert (await registry.delete(f"/v1/citizens/{person['id']}", headers=stevns_registry)).status_code == 204
    await sync()
    database: Database = matching_app.state.database
    async with database.sessions() as session, session.begin():
        await set_tenant(session, "*")
        cursor = await load_feed_cursor(session, feed_cursors, "registry", lock=False)
    assert cursor is not None
    internal = tokens.headers(tenant="*", scopes=["internal"], client_id="registry")
    answer = await client.get("/internal/v1/feed-position", headers=internal)
    assert answer.status_code == 200, answer.text
    assert answer.json() == {"feed": "registry", "applied_seq": cursor.applied_seq, "head": cursor.head}
    assert (await client.get("/internal/v1/feed-position", headers=reader)).status_code == 403


async def test_the_catalogues_a_page_changed_are_named_after_it_commits_and_only_once(
    registry: httpx.AsyncClient,
    matching_app: FastAPI,
    stevns_registry: dict[str, str],
    employer: str,
    tokens: TokenFactory,
    sync: Sync,
) -> None:
    await sync()
    feed: FeedConsumer = matching_app.state.feed
    told: list[set[str]] = []
    follower = feature_store_follower(matching_app.state.database, on_catalogue_change=told.append)
    before, _ = await follower.applied_position()
    await create(registry, "/v1/openings", opening(employer), stevns_registry)
    await create(registry, "/v1/citizens", citizen(), stevns_registry)
    original, feed.follower = feed.follower, follower
    try:
        await sync()
    finally:
        feed.follower = original
    assert told == [{"DK-0336"}]  # the opening's municipality; the citizen changes no catalogue
    applied, _ = await follower.applied_position()
    assert applied > before
    # The same changes handed over again, as by a replica that fetched the page too: nothing to tell.
    internal = tokens.headers(tenant="*", scopes=["internal"], client_id="matching")
    page = await registry.get("/internal/v1/changes", params={"after": str(before)}, headers=internal)
    await follower.apply_page(page.json()["items"], page.json()["next_cursor"])
    assert told == [{"DK-0336"}]
    assert await follower.applied_position() == (applied, applied)


async def test_the_consumer_asks_the_feed_only_for_what_the_feature_store_applies(matching_app: FastAPI) -> None:
    feed: FeedConsumer = matching_app.state.feed
    assert feed.query == {"entity": ["citizen", "opening", "partnership", "enrolment"]}
