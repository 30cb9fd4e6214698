"""Issue 17 in matching: recommendations and decisions on record, consent to the `matching`
purpose from the feed, erasure of every row naming the citizen, the access-log outbox, export."""

from __future__ import annotations

import random
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import sqlalchemy as sa
from fastapi import FastAPI

from devstack.databases import ServiceDatabase
from matching.clients.registry_feed import Change
from matching.feed.feature_store import apply_changes
from matching.store import ranking_runs
from matching.store.tables import access_outbox
from servicekit.access_outbox import AccessLogShipper, RegistryAccessLog
from servicekit.db import Database, set_tenant
from servicekit.http import ServiceClient, StaticToken
from servicekit.testing import TokenFactory
from servicekit.testing import tables_containing as shared_tables_containing

from ..factories import KITCHEN_PORTER, citizen, opening
from .test_recommendations import create

Sync = Callable[[], Awaitable[None]]


def internal(tokens: TokenFactory) -> dict[str, str]:
    return tokens.headers(tenant="*", scopes=["internal"], client_id="registry")


async def serve(client: httpx.AsyncClient, headers: dict[str, str], **params: Any) -> dict[str, Any]:
    response = await client.get("/v1/recommendations", params={"limit": 100, **params}, headers=headers)
    assert response.status_code == 200, response.text
    return dict(response.json())


async def outbox(matching_app: FastAPI, citizen_id: str) -> list[dict[str, Any]]:
    database: Database = matching_app.state.database
    async with database.sessions() as session, session.begin():
        await set_tenant(session, "*")
        rows = await session.execute(
            sa.text("SELECT entry FROM access_outbox WHERE citizen_id = :c ORDER BY id"), {"c": citizen_id}
        )
        return [dict(r.entry) for r in rows]


REQUEST_ID = uuid.uuid4().hex


async def store_run(database: Database, citizen_id: str, opening_id: str) -> uuid.UUID:
    """A stored national run holding the citizen's list (as `python -m matching.usecases.ranking_runs` would)."""
    async with database.sessions() as session, session.begin():
        await set_tenant(session, "*")
        run = await ranking_runs.insert_run(
            session, model="default-weighted", top_n=1, citizens=1, openings=1, blocks=1, workers=1, seconds=0.1
        )
        await ranking_runs.insert_entries(session, run.id, [(citizen_id, [opening_id], [0.5])])
        return run.id


async def record_consent(
    registry: httpx.AsyncClient, headers: dict[str, str], citizen_id: str, action: str, method: str
) -> None:
    body = {"purpose": "matching", "action": action, "method": method}
    response = await registry.post(f"/v1/citizens/{citizen_id}/consents", json=body, headers=headers)
    assert response.status_code == 201, response.text


async def test_served_lists_are_on_record_and_decisions_reference_them(
    registry: httpx.AsyncClient,
    tokens: TokenFactory,
    client: httpx.AsyncClient,
    matching_app: FastAPI,
    stevns_registry: dict[str, str],
    reader: dict[str, str],
    jammerbugt_reader: dict[str, str],
    employer: str,
    sync: Sync,
) -> None:
    job = await create(registry, "/v1/openings", opening(employer), stevns_registry)
    other_job = await create(registry, "/v1/openings", opening(employer), stevns_registry)
    person = await create(registry, "/v1/citizens", citizen(target_group="integration"), stevns_registry)
    someone = await create(registry, "/v1/citizens", citizen(), stevns_registry)
    await sync()

    page = await serve(client, {**reader, "X-Request-ID": REQUEST_ID}, citizen_id=person["id"])
    log_id = page["items"][0]["recommendation_log_id"]
    assert {item["recommendation_log_id"] for item in page["items"]} == {log_id}
    by_opening = await serve(client, reader, opening_id=job["id"])
    mine = next(i for i in by_opening["items"] if i["citizen_id"] == person["id"])
    assert mine["recommendation_log_id"] not in (None, log_id)

    logs = await client.get("/v1/recommendation-logs", params={"citizen_id": person["id"]}, headers=reader)
    assert logs.status_code == 200, logs.text
    items = logs.json()["items"]
    assert [log["list_kind"] for log in items] == ["citizens_for_opening", "openings_for_citizen"]
    served = items[1]
    assert served["id"] == log_id
    assert served["client"] == "stevns-matching"
    assert served["client_municipality"] == "DK-0336"
    assert served["request_id"] == REQUEST_ID
    assert served["model_name"] == page["model"]["name"]
    assert [(i["opening_id"], i["score"], i["rank"]) for i in served["items"]] == [
        (i["opening_id"], i["score"], i["rank"]) for i in page["items"]
    ]
    assert served["items"][0]["explanation"]["contributions"]
    # On record exactly as answered (the answer adds only the citizen and the log id).
    assert served["items"] == [
        {k: v for k, v in i.items() if k not in ("citizen_id", "recommendation_log_id")} for i in page["items"]
    ]
    assert items[0]["opening_id"] == job["id"]
    assert [i["opening_id"] for i in items[0]["items"]] == [job["id"]]
    assert items[0]["items"][0]["rank"] == mine["rank"]
    # Each list's access-log entry is written with its log row: the person was in two lists, the other in one.
    for who, lists in ((person, 2), (someone, 1)):
        assert [e["what"] for e in await outbox(matching_app, who["id"])].count("recommendation") == lists

    # Decisions on the served list; Idempotency-Key replays the first answer.
    accepted = {
        "citizen_id": person["id"],
        "recommendation_log_id": log_id,
        "opening_id": job["id"],
        "decision": "accepted",
    }
    key = {**reader, "Idempotency-Key": f"decide-{uuid.uuid4()}"}
    first = await client.post("/v1/decisions", json=accepted, headers=key)
    assert first.status_code == 201, first.text
    again = await client.post("/v1/decisions", json=accepted, headers=key)
    assert again.status_code == 201
    assert again.json()["id"] == first.json()["id"]
    assert again.headers.get("idempotent-replayed") == "true"
    rejected = {**accepted, "opening_id": other_job["id"], "decision": "rejected", "reason_code": "commute"}
    assert (
        await client.post("/v1/decisions", json={**rejected, "reason_text": "No early bus."}, headers=reader)
    ).status_code == 201
    proposed = {"citizen_id": person["id"], "opening_id": other_job["id"], "decision": "proposed"}
    assert (await client.post("/v1/decisions", json=proposed, headers=reader)).status_code == 201

    def field_of(response: httpx.Response) -> set[str]:
        assert response.status_code == 422, response.text
        return {e["field"] for e in response.json()["errors"]}

    # A list never served to that citizen, an opening not in it, a rejection without a reason.
    foreign = {**accepted, "citizen_id": someone["id"]}
    assert field_of(await client.post("/v1/decisions", json=foreign, headers=reader)) == {"body.recommendation_log_id"}
    unknown_log = {**accepted, "recommendation_log_id": str(uuid.uuid4())}
    assert field_of(await client.post("/v1/decisions", json=unknown_log, headers=reader)) == {
        "body.recommendation_log_id"
    }
    not_in_list = {**accepted, "recommendation_log_id": items[0]["id"], "opening_id": other_job["id"]}
    assert field_of(await client.post("/v1/decisions", json=not_in_list, headers=reader)) == {"body.opening_id"}
    unknown_opening = {**proposed, "opening_id": str(uuid.uuid4())}
    assert field_of(await client.post("/v1/decisions", json=unknown_opening, headers=reader)) == {"body.opening_id"}
    read_only = tokens.headers(tenant="DK-0336", scopes=["matching:read"], client_id="stevns-viewer")
    assert (await client.post("/v1/decisions", json=proposed, headers=read_only)).status_code == 403
    no_reason = {**rejected, "reason_code": None}
    assert (await client.post("/v1/decisions", json=no_reason, headers=reader)).status_code == 422

    decided = await client.get("/v1/decisions", params={"citizen_id": person["id"]}, headers=reader)
    assert sorted(d["decision"] for d in decided.json()["items"]) == ["accepted", "proposed", "rejected"]
    assert {d["reason_code"] for d in decided.json()["items"]} == {None, "commute"}

    exposure = await client.get("/v1/recommendations/exposure", params={"municipality": "DK-0336"}, headers=reader)
    counts = {(c["target_group"], c["decision"]): c["count"] for c in exposure.json()["decisions"]}
    assert counts[("integration", "accepted")] >= 1
    assert counts[("integration", "proposed")] >= 1

    # Another municipality sees none of it; a decision about its citizen is a 404.
    for path in ("/v1/recommendation-logs", "/v1/decisions"):
        response = await client.get(path, params={"citizen_id": person["id"]}, headers=jammerbugt_reader)
        assert response.status_code == 404
    assert (await client.post("/v1/decisions", json=proposed, headers=jammerbugt_reader)).status_code == 404


async def test_withdrawing_matching_on_the_feed_removes_the_citizen_from_rankings(
    registry: httpx.AsyncClient,
    client: httpx.AsyncClient,
    matching_app: FastAPI,
    stevns_registry: dict[str, str],
    reader: dict[str, str],
    employer: str,
    sync: Sync,
) -> None:
    job = await create(registry, "/v1/openings", opening(employer), stevns_registry)
    person = await create(registry, "/v1/citizens", citizen(), stevns_registry)
    await sync()
    await serve(client, reader, citizen_id=person["id"])
    assert person["id"] in {i["citizen_id"] for i in (await serve(client, reader, opening_id=job["id"]))["items"]}
    database: Database = matching_app.state.database
    run_id = await store_run(database, person["id"], job["id"])
    assert (await client.get(f"/v1/ranking-runs/{run_id}/citizens/{person['id']}", headers=reader)).status_code == 200

    await record_consent(registry, stevns_registry, person["id"], "withdraw", "digital")
    await sync()

    refused = await client.get("/v1/recommendations", params={"citizen_id": person["id"]}, headers=reader)
    assert refused.status_code == 409
    assert refused.json()["reason"] == "no_matching_consent"
    assert person["id"] not in {i["citizen_id"] for i in (await serve(client, reader, opening_id=job["id"]))["items"]}
    assert (await client.get(f"/v1/ranking-runs/{run_id}/citizens/{person['id']}", headers=reader)).status_code == 404

    async with database.sessions() as session, session.begin():
        await set_tenant(session, "*")
        rows = sa.text("SELECT count(*) FROM ranking_entries WHERE citizen_id = :c")
        assert (await session.execute(rows, {"c": person["id"]})).scalar_one() == 0  # deleted, not only hidden

    await record_consent(registry, stevns_registry, person["id"], "grant", "paper")
    await sync()
    assert (
        await client.get("/v1/recommendations", params={"citizen_id": person["id"]}, headers=reader)
    ).status_code == 200


async def test_erasure_from_the_feed_leaves_no_row_naming_the_citizen(
    registry: httpx.AsyncClient,
    client: httpx.AsyncClient,
    matching_app: FastAPI,
    matching_database: ServiceDatabase,
    stevns_registry: dict[str, str],
    reader: dict[str, str],
    tokens: TokenFactory,
    employer: str,
    sync: Sync,
) -> None:
    job = await create(registry, "/v1/openings", opening(employer), stevns_registry)
    lat, lon = round(55.0 + random.random() / 3, 7), round(12.0 + random.random() / 3, 7)
    body = citizen(location={"postcode": "4660", "lat": lat, "lon": lon})
    person = await create(registry, "/v1/citizens", body, stevns_registry)
    await sync()
    page = await serve(client, reader, citizen_id=person["id"])
    await serve(client, reader, opening_id=job["id"])
    key = {**reader, "Idempotency-Key": f"erase-{uuid.uuid4()}"}
    decision = {
        "citizen_id": person["id"],
        "recommendation_log_id": page["items"][0]["recommendation_log_id"],
        "opening_id": page["items"][0]["opening_id"],
        "decision": "contacted",
    }
    assert (await client.post("/v1/decisions", json=decision, headers=key)).status_code == 201
    assignment = await client.post(
        "/v1/assignments", json={"municipality": "DK-0336"}, headers={**reader, "Idempotency-Key": f"a-{uuid.uuid4()}"}
    )
    assert assignment.status_code == 200, assignment.text
    database: Database = matching_app.state.database
    await store_run(database, person["id"], job["id"])
    assert (
        await client.get(f"/internal/v1/citizens/{person['id']}/export", headers=internal(tokens))
    ).status_code == 200
    needles = [person["id"], repr(lat), repr(lon)]
    assert await tables_containing(matching_database, needles)  # the search finds them before

    assert (await registry.delete(f"/v1/citizens/{person['id']}", headers=stevns_registry)).status_code == 204
    await sync()
    assert await tables_containing(matching_database, needles) == {}

    # Idempotent: the tombstones again change nothing; a replayed decision runs afresh (404), never the old body.
    tombstone = Change(seq=1, entity="citizen", entity_id=person["id"], op="erased", municipality=None, data=None)
    async with database.sessions() as session, session.begin():
        await set_tenant(session, "*")
        await apply_changes(session, [tombstone, tombstone])
    assert await tables_containing(matching_database, needles) == {}
    replay = await client.post("/v1/decisions", json=decision, headers=key)
    assert replay.status_code == 404
    assert replay.headers.get("idempotent-replayed") is None
    export = await client.get(f"/internal/v1/citizens/{person['id']}/export", headers=internal(tokens))
    assert export.json() == {
        "schema_version": 1,
        "service": "matching",
        "citizen_id": person["id"],
        "features": None,
        "recommendation_logs": [],
        "decisions": [],
    }


async def tables_containing(database: ServiceDatabase, needles: list[str]) -> dict[str, list[str]]:
    """Every table of the matching database whose columns (cast to text) hold one of the needles."""
    return await shared_tables_containing(database.owner_url, needles)


async def test_access_log_entries_reach_the_registry_in_batches_and_survive_its_downtime(
    registry: httpx.AsyncClient,
    registry_app: FastAPI,
    client: httpx.AsyncClient,
    matching_app: FastAPI,
    stevns_registry: dict[str, str],
    reader: dict[str, str],
    tokens: TokenFactory,
    employer: str,
    sync: Sync,
) -> None:
    await create(registry, "/v1/openings", opening(employer), stevns_registry)
    person = await create(registry, "/v1/citizens", citizen(), stevns_registry)
    await sync()
    await serve(client, {**reader, "X-Request-ID": REQUEST_ID}, citizen_id=person["id"])
    await client.get("/v1/recommendation-logs", params={"citizen_id": person["id"]}, headers=reader)
    await client.get(f"/internal/v1/citizens/{person['id']}/export", headers=internal(tokens))
    pending = await outbox(matching_app, person["id"])
    assert [(e["what"], e["system"]) for e in pending] == [
        ("feed", True),
        ("recommendation", False),
        ("read", False),
        ("export", False),
    ]
    assert pending[1]["client"] == "stevns-matching"
    assert pending[1]["request_id"] == REQUEST_ID

    def down(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("registry down", request=request)

    database: Database = matching_app.state.database
    token = StaticToken(tokens.token(tenant="*", scopes=["internal"], client_id="matching"))
    dead = ServiceClient("http://registry.test", token=token, transport=httpx.MockTransport(down))
    try:
        assert await AccessLogShipper(database, access_outbox, RegistryAccessLog(dead), service="matching").drain() == 0
    finally:
        await dead.aclose()
    assert len(await outbox(matching_app, person["id"])) == 4  # nothing lost

    live = ServiceClient("http://registry.test", token=token, transport=httpx.ASGITransport(app=registry_app))
    try:
        shipper = AccessLogShipper(database, access_outbox, RegistryAccessLog(live), service="matching", batch=2)
        assert await shipper.drain() >= 4
    finally:
        await live.aclose()
    assert await outbox(matching_app, person["id"]) == []
    audit = await registry.get(
        f"/v1/citizens/{person['id']}/access-log", params={"limit": 100}, headers=stevns_registry
    )
    assert audit.status_code == 200, audit.text
    from_matching = [e for e in audit.json()["items"] if e["service"] == "matching"]
    assert [e["what"] for e in from_matching] == ["feed", "recommendation", "read", "export"]
    assert from_matching[1]["who"] == {"client": "stevns-matching", "municipality": "DK-0336"}


async def test_export_holds_features_logs_and_decisions_for_internal_callers_only(
    registry: httpx.AsyncClient,
    client: httpx.AsyncClient,
    stevns_registry: dict[str, str],
    reader: dict[str, str],
    tokens: TokenFactory,
    employer: str,
    sync: Sync,
) -> None:
    await create(registry, "/v1/openings", opening(employer), stevns_registry)
    person = await create(registry, "/v1/citizens", citizen(interests=[KITCHEN_PORTER]), stevns_registry)
    await sync()
    page = await serve(client, reader, citizen_id=person["id"])
    first = page["items"][0]
    decision = {
        "citizen_id": person["id"],
        "recommendation_log_id": first["recommendation_log_id"],
        "opening_id": first["opening_id"],
        "decision": "hired",
    }
    assert (await client.post("/v1/decisions", json=decision, headers=reader)).status_code == 201

    url = f"/internal/v1/citizens/{person['id']}/export"
    assert (await client.get(url, headers=reader)).status_code == 403
    export = await client.get(url, headers=internal(tokens))
    assert export.status_code == 200, export.text
    body = export.json()
    assert body["schema_version"] == 1
    assert body["citizen_id"] == person["id"]
    assert body["features"]["interests"] == [KITCHEN_PORTER]
    assert body["features"]["consent"] is True
    [log] = body["recommendation_logs"]
    assert log["model_name"] == page["model"]["name"]
    assert log["items"][0]["explanation"]["matched_skills"]
    assert [d["decision"] for d in body["decisions"]] == ["hired"]
    nobody = await client.get(f"/internal/v1/citizens/{uuid.uuid4()}/export", headers=internal(tokens))
    assert nobody.status_code == 200
    assert nobody.json()["features"] is None
