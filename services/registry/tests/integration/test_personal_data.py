from __future__ import annotations

import logging

import httpx
import pytest

from servicekit.testing import TokenFactory

from ..factories import citizen


async def test_every_read_writes_an_audit_row(
    client: httpx.AsyncClient, stevns: dict[str, str], admin: dict[str, str]
) -> None:
    created = (await client.post("/v1/citizens", json=citizen(), headers=stevns)).json()
    url = f"/v1/citizens/{created['id']}"
    await client.get(url, headers={**stevns, "X-Purpose": "matching follow-up", "X-Request-ID": "0f" * 16})
    params = {"limit": 200, "updated_since": created["created_at"]}
    await client.get("/v1/citizens", params=params, headers={**stevns, "X-Purpose": "caseload review"})
    events = (await client.get("/v1/audit-events", params={"citizen_id": created["id"]}, headers=admin)).json()["items"]
    assert [(e["action"], e["actor"], e["purpose"]) for e in events[:1]] == [
        ("read", "stevns-jc", "matching follow-up")
    ]
    assert events[0]["request_id"] == "0f" * 16
    assert any(e["action"] == "list" and e["purpose"] == "caseload review" for e in events)


async def test_patch_answer_is_audited_like_a_read(
    client: httpx.AsyncClient, stevns: dict[str, str], admin: dict[str, str]
) -> None:
    created = (await client.post("/v1/citizens", json=citizen(), headers=stevns)).json()
    headers = {**stevns, "If-Match": '"1"', "X-Purpose": "capacity review", "X-Request-ID": "1e" * 16}
    patched = await client.patch(f"/v1/citizens/{created['id']}", json={"work_capacity_hours": 20}, headers=headers)
    assert patched.status_code == 200, patched.text
    assert patched.json()["skills"] == created["skills"]  # the answer carries the personal data
    events = (await client.get("/v1/audit-events", params={"citizen_id": created["id"]}, headers=admin)).json()["items"]
    assert [(e["action"], e["actor"], e["purpose"], e["request_id"]) for e in events] == [
        ("update", "stevns-jc", "capacity review", "1e" * 16)
    ]


async def test_refused_patch_writes_no_audit_row(
    client: httpx.AsyncClient, stevns: dict[str, str], admin: dict[str, str]
) -> None:
    created = (await client.post("/v1/citizens", json=citizen(), headers=stevns)).json()
    url = f"/v1/citizens/{created['id']}"
    assert (
        await client.patch(url, json={"work_capacity_hours": 99}, headers={**stevns, "If-Match": '"1"'})
    ).status_code == 422
    assert (
        await client.patch(url, json={"work_capacity_hours": 9}, headers={**stevns, "If-Match": '"7"'})
    ).status_code == 412
    events = (await client.get("/v1/audit-events", params={"citizen_id": created["id"]}, headers=admin)).json()["items"]
    assert events == []


async def test_audit_events_are_admin_only(client: httpx.AsyncClient, stevns: dict[str, str]) -> None:
    response = await client.get(
        "/v1/audit-events", params={"citizen_id": "7c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f"}, headers=stevns
    )
    assert response.status_code == 403


async def test_export_returns_the_national_id_to_admin_only(
    client: httpx.AsyncClient, stevns: dict[str, str], admin: dict[str, str]
) -> None:
    body = citizen()
    created = (await client.post("/v1/citizens", json=body, headers=stevns)).json()
    url = f"/v1/citizens/{created['id']}/export"
    assert (await client.get(url, headers=stevns)).status_code == 403
    export = await client.get(url, headers={**admin, "X-Purpose": "art. 15 request"})
    assert export.status_code == 200, export.text
    assert export.json()["national_id"] == body["national_id"]
    assert export.json()["citizen"]["id"] == created["id"]
    events = (await client.get("/v1/audit-events", params={"citizen_id": created["id"]}, headers=admin)).json()["items"]
    assert events[-1]["action"] == "export"


async def test_erasure_removes_personal_data_and_reaches_the_feed(
    client: httpx.AsyncClient, stevns: dict[str, str], admin: dict[str, str], internal: dict[str, str]
) -> None:
    body = citizen()
    created = (await client.post("/v1/citizens", json=body, headers=stevns)).json()
    head = (await client.get("/internal/v1/changes", params={"limit": 1}, headers=internal)).json()["head"]
    assert (await client.delete(f"/v1/citizens/{created['id']}", headers=stevns)).status_code == 204
    assert (await client.get(f"/v1/citizens/{created['id']}", headers=stevns)).status_code == 404
    assert (await client.get(f"/v1/citizens/{created['id']}/export", headers=admin)).status_code == 404
    # Erasing again is the same result (GDPR erasure is idempotent).
    assert (await client.delete(f"/v1/citizens/{created['id']}", headers=stevns)).status_code == 204
    feed = (await client.get("/internal/v1/changes", params={"after": str(head)}, headers=internal)).json()["items"]
    erased = [c for c in feed if c["entity_id"] == created["id"]]
    assert [(c["op"], c["data"], c["entity"]) for c in erased] == [("erased", None, "citizen")]
    # The same person synced again is a new citizen: nothing of the old one is left to match.
    again = await client.post("/v1/citizens", json=body, headers=stevns)
    assert again.status_code == 201
    assert again.json()["id"] != created["id"]


async def test_feed_carries_pseudonymised_citizens_only(
    client: httpx.AsyncClient, stevns: dict[str, str], internal: dict[str, str]
) -> None:
    head = (await client.get("/internal/v1/changes", params={"limit": 1}, headers=internal)).json()["head"]
    body = citizen(name="Jens Jensen")
    created = (await client.post("/v1/citizens", json=body, headers=stevns)).json()
    feed = (await client.get("/internal/v1/changes", params={"after": str(head)}, headers=internal)).json()["items"]
    (change,) = [c for c in feed if c["entity_id"] == created["id"]]
    assert set(change["data"]) == {
        "id",
        "municipality",
        "external_ref",
        "birth_year",
        "target_group",
        "benefit",
        "work_capacity_hours",
        "skills",
        "support_needs",
        "interests",
        "location",
        "consent",
        "purposes",
        "updated_at",
    }
    assert "Jens" not in str(change)
    assert body["national_id"] not in str(change)
    assert change["data"]["benefit"]["monthly_amount"] == 1_232_600


@pytest.mark.parametrize("national_id", ["3102901234", "0101901234"])
async def test_no_national_id_in_any_log_line_or_response(
    client: httpx.AsyncClient,
    stevns: dict[str, str],
    admin: dict[str, str],
    tokens: TokenFactory,
    caplog: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
    national_id: str,
) -> None:
    caplog.set_level(logging.DEBUG)
    body = citizen(national_id=national_id)
    responses = [
        await client.post("/v1/citizens", json=body, headers=stevns),
        await client.post(
            "/v1/citizens:batch", json={"items": [body, citizen(national_id=national_id + "9")]}, headers=stevns
        ),
        await client.post(
            "/v1/citizens", json=citizen(national_id=national_id, work_capacity_hours="many"), headers=stevns
        ),
        await client.post("/v1/citizens", json=citizen(national_id=[national_id]), headers=stevns),
        await client.get("/v1/citizens", params={"limit": 5}, headers=stevns),
    ]
    texts = [r.text + str(r.headers) for r in responses]
    captured = capsys.readouterr()
    texts += [caplog.text, captured.out, captured.err, *(str(r.__dict__) for r in caplog.records)]
    assert all(national_id not in text for text in texts)
