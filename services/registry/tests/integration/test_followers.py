"""The registry asks its followers: a citizen's export gathers what matching and outcomes hold, and an
erasure is `pending` until both have applied its feed entry. The followers are served by test
transports that answer their contracts (or fail to connect, as a stopped service does)."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from registry.main import create_app
from registry.settings import Settings

from ..factories import citizen


@dataclass
class FakeFollower:
    """Answers `/internal/v1/feed-position` and `/internal/v1/citizens/{id}/export` like a follower."""

    service: str
    applied_seq: int = 0
    up: bool = True
    held: dict[str, Any] = field(default_factory=dict)
    calls: list[httpx.Request] = field(default_factory=list)

    def handle(self, request: httpx.Request) -> httpx.Response:
        self.calls.append(request)
        if not self.up:
            raise httpx.ConnectError("connection refused", request=request)
        if request.url.path == "/internal/v1/feed-position":
            return httpx.Response(200, json={"feed": "registry", "applied_seq": self.applied_seq, "head": 0})
        citizen_id = request.url.path.split("/")[-2]
        return httpx.Response(
            200, json={"schema_version": 1, "service": self.service, "citizen_id": citizen_id, **self.held}
        )


@pytest.fixture(scope="module")
def matching() -> FakeFollower:
    return FakeFollower(
        "matching",
        held={
            "features": {"skills": ["bb:skill:clean-floors"], "consent": True},
            "recommendation_logs": [{"id": "r1", "model_version": "m-7", "items": [{"score": 0.8}]}],
            "decisions": [{"decision": "accepted", "opening_id": "o1"}],
        },
    )


@pytest.fixture(scope="module")
def outcomes() -> FakeFollower:
    return FakeFollower(
        "outcomes",
        held={
            "enrolments": [{"programme": "citizen_course"}],
            "outcome_events": [{"type": "benefit_ended", "amount_new_field": 1}],
            "savings_lines": [],
            "payments": [{"amount": "1200.00", "a_field_added_later": True}],
        },
    )


@pytest.fixture(scope="module")
async def followed(
    registry_settings: Settings, matching: FakeFollower, outcomes: FakeFollower, municipalities: dict[str, str]
) -> AsyncIterator[httpx.AsyncClient]:
    settings = registry_settings.model_copy(
        update={"matching_url": "http://matching.test", "outcomes_url": "http://outcomes.test"}
    )
    transports = {"matching": httpx.MockTransport(matching.handle), "outcomes": httpx.MockTransport(outcomes.handle)}
    app: FastAPI = create_app(settings, follower_transports=transports)
    transport = httpx.ASGITransport(app=app)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=transport, base_url="http://registry.test") as http,
    ):
        yield http


@pytest.fixture(autouse=True)
def followers_up(matching: FakeFollower, outcomes: FakeFollower) -> None:
    for follower in (matching, outcomes):
        follower.up = True


async def _create(client: httpx.AsyncClient, headers: dict[str, str]) -> str:
    created = await client.post("/v1/citizens", json=citizen(), headers=headers)
    assert created.status_code == 201, created.text
    return str(created.json()["id"])


async def test_export_gathers_what_matching_and_outcomes_hold(
    followed: httpx.AsyncClient, stevns: dict[str, str], admin: dict[str, str], matching: FakeFollower
) -> None:
    citizen_id = await _create(followed, stevns)
    export = await followed.get(f"/v1/citizens/{citizen_id}/export", headers=admin)
    assert export.status_code == 200, export.text
    body = export.json()
    assert body["schema_version"] == 1
    assert body["complete"] is True
    held = body["held_by_other_services"]
    assert held["matching"]["status"] == "included"
    assert held["matching"]["export"]["recommendation_logs"][0]["model_version"] == "m-7"
    assert held["matching"]["export"]["decisions"] == [{"decision": "accepted", "opening_id": "o1"}]
    # Fields a follower adds to its items pass through without a registry release.
    assert held["outcomes"]["export"]["payments"] == [{"amount": "1200.00", "a_field_added_later": True}]
    assert held["outcomes"]["export"]["citizen_id"] == citizen_id
    # The registry calls with its own service token; here none is configured, so none is sent.
    assert matching.calls[-1].url.path == f"/internal/v1/citizens/{citizen_id}/export"


async def test_export_names_an_unreachable_service_instead_of_leaving_it_out(
    followed: httpx.AsyncClient, stevns: dict[str, str], admin: dict[str, str], outcomes: FakeFollower
) -> None:
    citizen_id = await _create(followed, stevns)
    outcomes.up = False
    body = (await followed.get(f"/v1/citizens/{citizen_id}/export", headers=admin)).json()
    assert body["complete"] is False
    assert body["held_by_other_services"]["outcomes"] == {
        "service": "outcomes",
        "status": "unavailable",
        "export": None,
    }
    assert body["held_by_other_services"]["matching"]["status"] == "included"
    assert body["citizen"]["id"] == citizen_id  # the registry's own part is answered either way


async def test_erasure_is_pending_until_every_follower_applied_it(
    followed: httpx.AsyncClient, stevns: dict[str, str], matching: FakeFollower, outcomes: FakeFollower
) -> None:
    citizen_id = await _create(followed, stevns)
    url = f"/v1/citizens/{citizen_id}/erasure"
    assert (await followed.get(url, headers=stevns)).status_code == 404  # not erased (yet)
    assert (await followed.delete(f"/v1/citizens/{citizen_id}", headers=stevns)).status_code == 204

    progress = (await followed.get(url, headers=stevns)).json()
    seq = progress["feed_seq"]
    matching.applied_seq, outcomes.applied_seq = seq, seq - 1
    progress = (await followed.get(url, headers=stevns)).json()
    assert progress["status"] == "pending"
    assert progress["followers"] == [
        {"service": "matching", "state": "applied", "applied_seq": seq},
        {"service": "outcomes", "state": "behind", "applied_seq": seq - 1},
    ]

    outcomes.applied_seq = seq
    outcomes.up = False  # stopped: the status cannot be completed while it cannot be asked
    progress = (await followed.get(url, headers=stevns)).json()
    assert progress["status"] == "pending"
    assert progress["followers"][1] == {"service": "outcomes", "state": "unavailable", "applied_seq": None}

    outcomes.up = True
    progress = (await followed.get(url, headers=stevns)).json()
    assert progress["status"] == "completed"
    assert {f["state"] for f in progress["followers"]} == {"applied"}
    # Erasing again changes nothing: the same entry, still completed.
    assert (await followed.delete(f"/v1/citizens/{citizen_id}", headers=stevns)).status_code == 204
    assert (await followed.get(url, headers=stevns)).json()["feed_seq"] == seq


async def test_erasure_status_of_another_municipality_or_unknown_citizen_is_404(
    followed: httpx.AsyncClient, stevns: dict[str, str], jammerbugt: dict[str, str]
) -> None:
    citizen_id = await _create(followed, stevns)
    assert (await followed.delete(f"/v1/citizens/{citizen_id}", headers=stevns)).status_code == 204
    assert (await followed.get(f"/v1/citizens/{citizen_id}/erasure", headers=jammerbugt)).status_code == 404
    unknown = await followed.get(f"/v1/citizens/{uuid.uuid4()}/erasure", headers=stevns)
    assert unknown.status_code == 404
    assert unknown.headers["content-type"].startswith("application/problem+json")
