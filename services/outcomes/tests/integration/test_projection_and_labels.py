import asyncio
import uuid
from typing import Any

import httpx
from fastapi import FastAPI
from sqlalchemy import text

from outcomes.feed.projection import CitizenProjectionFeed
from outcomes.main import create_app
from outcomes.store import projection
from outcomes.store.tables import feed_cursors
from servicekit.feed_cursor import load_feed_cursor
from tests.conftest import FakeRegistryFeed
from tests.integration.world import add_citizen, add_partnership


async def test_projection_follows_the_feed_keeps_its_cursor_and_erasure_drops_unpaid_amounts(
    client: httpx.AsyncClient, stevns: dict[str, str], registry: FakeRegistryFeed, sync: Any, outcomes_app: FastAPI
) -> None:
    partnership = add_partnership(registry)
    citizen = add_citizen(registry, partnership, enrolled_on="2024-02-01")
    # The registry later changes the benefit: the benefit at enrolment stays what it was.
    registry.add(
        "citizen",
        citizen,
        "DK-0336",
        {
            "id": citizen,
            "municipality": "DK-0336",
            "target_group": "cash_benefit",
            "benefit": {"type": "x", "monthly_amount": 5, "since": "2024-01-01"},
        },
    )
    assert await sync() > 0
    assert await sync() == 0  # nothing new: the cursor is stored
    async with outcomes_app.state.database.sessions() as session, session.begin():
        await session.execute(text("select set_config('app.tenant', '*', true)"))
        row = await projection.get_citizen(session, uuid.UUID(citizen))
        cursor = await load_feed_cursor(session, feed_cursors, "registry", lock=False)
    assert row is not None
    assert cursor is not None
    assert row.benefit_at_enrolment["monthly_amount"] == 1_232_600
    assert row.enrolled_on.isoformat() == "2024-02-01"
    assert cursor.applied_seq == len(registry.changes) == cursor.head
    registry.add("citizen", citizen, "DK-0336", None, op="erased")
    await sync()
    async with outcomes_app.state.database.sessions() as session, session.begin():
        await session.execute(text("select set_config('app.tenant', '*', true)"))
        erased = await projection.get_citizen(session, uuid.UUID(citizen))
    assert erased.erased_at is not None
    assert erased.benefit is None
    # No statement was based on this citizen: no amount is kept (test_erasure.py: what a payment keeps).
    assert erased.benefit_at_enrolment is None
    event = {
        "id": uuid.uuid4().hex,
        "citizen_id": citizen,
        "type": "benefit_ended",
        "occurred_on": "2024-04-15",
        "data": {},
    }
    response = await client.post("/v1/outcome-events", json=event, headers=stevns)
    assert response.status_code == 422
    assert response.json()["errors"][0]["code"] == "erased"


async def test_placement_outcomes_for_matching(
    client: httpx.AsyncClient, stevns: dict[str, str], internal: dict[str, str], registry: FakeRegistryFeed, sync: Any
) -> None:
    citizen = add_citizen(registry, add_partnership(registry), enrolled_on="2024-01-01")
    await sync()
    company = str(uuid.uuid4())
    events = [
        {
            "type": "placement_started",
            "occurred_on": "2024-02-01",
            "data": {"organisation_id": company, "hours_per_week": 10, "kind": "ordinary"},
        },
        {"type": "placement_ended", "occurred_on": "2024-03-01", "data": {}},
        {
            "type": "placement_started",
            "occurred_on": "2024-03-04",
            "data": {
                "organisation_id": company,
                "opening_id": str(uuid.uuid4()),
                "hours_per_week": 10,
                "kind": "ordinary",
            },
        },
    ]
    for event in events:
        response = await client.post(
            "/v1/outcome-events", json={"id": uuid.uuid4().hex, "citizen_id": citizen, **event}, headers=stevns
        )
        assert response.status_code == 201, response.text
    items: list[dict[str, Any]] = []
    cursor = None
    while True:
        page = (
            await client.get(
                "/internal/v1/placement-outcomes",
                params={"limit": 2, **({"cursor": cursor} if cursor else {})},
                headers=internal,
            )
        ).json()
        items += page["items"]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    mine = [item for item in items if item["citizen_id"] == citizen]
    assert [(item["started_on"], item["ended_on"], item["lasted_3_months"]) for item in mine] == [
        ("2024-02-01", "2024-03-01", False),
        ("2024-03-04", None, True),
    ]
    assert (await client.get("/internal/v1/placement-outcomes", headers=stevns)).status_code == 403


async def test_background_consumer_in_the_lifespan_follows_the_feed(
    outcomes_settings: Any, registry: FakeRegistryFeed
) -> None:
    registry.caught_up.clear()
    citizen = add_citizen(registry, add_partnership(registry, "DK-0813"), enrolled_on="2024-05-01")
    settings = outcomes_settings.model_copy(update={"registry_url": "http://registry.test", "feed_poll_seconds": 0.01})
    app = create_app(settings, registry_transport=httpx.MockTransport(registry.handle))
    async with app.router.lifespan_context(app):
        await asyncio.wait_for(registry.caught_up.wait(), timeout=30)
        async with app.state.database.sessions() as session, session.begin():
            await session.execute(text("select set_config('app.tenant', '*', true)"))
            row = await projection.get_citizen(session, uuid.UUID(citizen))
    assert row is not None
    assert row.enrolled_on.isoformat() == "2024-05-01"


async def test_a_page_another_replica_applied_leaves_cursor_and_erasure_alone(
    registry: FakeRegistryFeed, sync: Any, outcomes_app: FastAPI
) -> None:
    citizen = add_citizen(registry, add_partnership(registry, "DK-0849"), enrolled_on="2024-03-01")
    registry.add("citizen", citizen, "DK-0849", None, op="erased")
    await sync()
    stale = [change for change in registry.changes if change["entity_id"] == citizen and change["op"] == "upsert"]

    async def stored() -> tuple[Any, Any]:
        async with outcomes_app.state.database.sessions() as session, session.begin():
            await session.execute(text("select set_config('app.tenant', '*', true)"))
            return await load_feed_cursor(session, feed_cursors, "registry", lock=False), await projection.get_citizen(
                session, uuid.UUID(citizen)
            )

    before, _ = await stored()
    # A replica that fetched the older page hands it over after this one applied it.
    await CitizenProjectionFeed(outcomes_app.state.database).apply_page(stale, "an-older-cursor")
    after, row = await stored()
    assert (after.position, after.applied_seq) == (before.position, before.applied_seq)
    assert row.erased_at is not None


async def test_a_page_applies_as_if_one_change_at_a_time(
    registry: FakeRegistryFeed, sync: Any, outcomes_app: FastAPI
) -> None:
    """Citizen upserts of a page go in one statement per run; the first benefit that arrives after an
    enrolment without one stays the benefit at enrolment, even when two arrive in the same page."""
    partnership = add_partnership(registry, "DK-0860")
    citizen = add_citizen(registry, partnership, benefit={}, enrolled_on="2024-03-01")
    others = [add_citizen(registry, partnership) for _ in range(3)]
    synced = next(c for c in registry.changes if c["entity_id"] == citizen and c["entity"] == "citizen")
    synced["data"]["benefit"] = None  # synced without a benefit, then enrolled
    first = {"type": "kontanthjaelp_30plus", "monthly_amount": 1_000_000, "currency": "DKK", "since": "2024-04-01"}
    later = {**first, "monthly_amount": 900_000, "since": "2024-06-01"}
    for benefit in (first, later):
        data = {"id": citizen, "municipality": "DK-0860", "target_group": "cash_benefit", "benefit": benefit}
        registry.add("citizen", citizen, "DK-0860", data)
    await sync()
    async with outcomes_app.state.database.sessions() as session, session.begin():
        await session.execute(text("select set_config('app.tenant', '*', true)"))
        row = await projection.get_citizen(session, uuid.UUID(citizen))
        projected = [await projection.get_citizen(session, uuid.UUID(other)) for other in others]
    assert row is not None
    assert row.benefit_at_enrolment == first
    assert row.benefit == later
    assert all(other is not None and other.enrolled_on.isoformat() == "2024-03-01" for other in projected)
