"""The events feed the webhooks service follows: an approved statement and its milestones, once."""

from typing import Any

import httpx

from tests.conftest import FakeRegistryFeed
from tests.integration.test_approval import draft


async def events_after(client: httpx.AsyncClient, internal: dict[str, str], after: str) -> dict[str, Any]:
    page = await client.get("/internal/v1/events", params={"after": after, "limit": 1000}, headers=internal)
    assert page.status_code == 200, page.text
    body: dict[str, Any] = page.json()
    return body


async def test_approval_appends_the_statement_and_its_milestones_with_ids_only(
    client: httpx.AsyncClient,
    stevns: dict[str, str],
    checker: dict[str, str],
    internal: dict[str, str],
    registry: FakeRegistryFeed,
    sync: Any,
) -> None:
    start = (await events_after(client, internal, "0"))["next_cursor"]
    statement, citizen = await draft(client, stevns, registry, sync)
    assert (await events_after(client, internal, start))["items"] == []  # a draft is no event
    approved = await client.post(f"/v1/settlements/{statement['id']}:approve", json={}, headers=checker)
    assert approved.status_code == 200, approved.text
    await client.post(f"/v1/settlements/{statement['id']}:approve", json={}, headers=checker)  # again: no event
    page = await events_after(client, internal, start)
    kinds = [(item["type"], item["municipality"]) for item in page["items"]]
    assert kinds[0] == ("statement.approved", "DK-0336")
    assert page["items"][0]["data"]["statement_id"] == statement["id"]
    milestones = [item["data"] for item in page["items"] if item["type"] == "milestone.reached"]
    assert milestones
    assert {m["citizen_id"] for m in milestones} == {citizen}
    assert len(page["items"]) == 1 + len(milestones)
    assert int(page["next_cursor"]) == page["head"]


async def test_the_events_feed_is_internal(client: httpx.AsyncClient, stevns: dict[str, str]) -> None:
    assert (await client.get("/internal/v1/events", headers=stevns)).status_code == 403
    bad = await client.get("/internal/v1/events", params={"after": "x"}, headers={})
    assert bad.status_code == 401
