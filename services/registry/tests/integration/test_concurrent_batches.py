"""Two `citizens:batch` requests of one municipality at the same time, on real PostgreSQL connections.

Each batch is one transaction and writes optimistically first: the second batch's rows can meet
the first one's uncommitted rows in the unique indexes (a unique violation) or the two can take
their row locks in opposite orders (a deadlock). Either must end in per-item results, never a 500.
"""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest

from ..factories import citizen, fake_cpr, ref

SIZE = 200


async def post_both(
    client: httpx.AsyncClient, headers: dict[str, str], first: list[dict[str, Any]], second: list[dict[str, Any]]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Both batches in flight at once (each on its own pooled connection and transaction)."""
    a, b = await asyncio.gather(
        client.post("/v1/citizens:batch", json={"items": first}, headers=headers),
        client.post("/v1/citizens:batch", json={"items": second}, headers=headers),
    )
    assert (a.status_code, b.status_code) == (200, 200), (a.text[:500], b.text[:500])
    return a.json(), b.json()


# Several rounds: which batch meets the other's rows first (in the optimistic write, or after one
# of them fell back to the careful path under the lock) varies from run to run.
@pytest.mark.parametrize("round_", range(3))
async def test_concurrent_batches_with_the_same_national_ids_give_one_citizen_and_per_item_409(
    client: httpx.AsyncClient, stevns: dict[str, str], round_: int
) -> None:
    national_ids = [fake_cpr() for _ in range(SIZE)]
    first = [citizen(national_id=n) for n in national_ids]
    # The same people under other external_refs, in the opposite order.
    second = [citizen(national_id=n) for n in reversed(national_ids)]
    a, b = await post_both(client, stevns, first, second)

    for n in range(SIZE):
        pair = sorted([a["items"][n]["status"], b["items"][SIZE - 1 - n]["status"]])
        assert pair == ["created", "error"], (n, pair)
    errors = [i for i in a["items"] + b["items"] if i["status"] == "error"]
    assert {e["problem"]["status"] for e in errors} == {409}
    assert {e["problem"]["errors"][0]["field"] for e in errors} == {"national_id"}
    assert a["summary"]["created"] + b["summary"]["created"] == SIZE


async def test_concurrent_batches_with_the_same_external_refs_upsert_each_citizen_once(
    client: httpx.AsyncClient, stevns: dict[str, str]
) -> None:
    first = [citizen(external_ref=ref()) for _ in range(SIZE)]
    # The same citizens (same refs and national ids) with a change, in the opposite order.
    second = [{**item, "work_capacity_hours": 30} for item in reversed(first)]
    a, b = await post_both(client, stevns, first, second)

    for n in range(SIZE):
        x, y = a["items"][n], b["items"][SIZE - 1 - n]
        assert x["id"] == y["id"], n
        assert sorted([x["status"], y["status"]]) == ["created", "updated"], (n, x["status"], y["status"])
    read = await client.get(f"/v1/citizens/{a['items'][0]['id']}", headers=stevns)
    assert read.json()["work_capacity_hours"] in (12, 30)
    assert read.headers["etag"] == '"2"'
