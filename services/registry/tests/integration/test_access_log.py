"""The citizen's access log: the registry's own entries and those other services report."""

from __future__ import annotations

import uuid

import httpx

from servicekit.testing import TokenFactory

from ..factories import citizen


async def test_access_log_shows_who_when_and_what(
    client: httpx.AsyncClient, stevns: dict[str, str], admin: dict[str, str]
) -> None:
    created = (await client.post("/v1/citizens", json=citizen(), headers=stevns)).json()
    url = f"/v1/citizens/{created['id']}"
    await client.get(url, headers={**stevns, "X-Purpose": "follow-up"})
    patched = await client.patch(url, json={"work_capacity_hours": 14}, headers={**stevns, "If-Match": '"1"'})
    assert patched.status_code == 200
    grant = {"purpose": "evaluation", "action": "grant", "method": "digital"}
    assert (await client.post(f"{url}/consents", json=grant, headers=stevns)).status_code == 201
    assert (await client.get(f"{url}/consents", headers=stevns)).status_code == 200
    assert (await client.get(f"{url}/export", headers=admin)).status_code == 200
    assert (await client.delete(url, headers=stevns)).status_code == 204
    log = await client.get(f"{url}/access-log", headers=stevns)
    assert log.status_code == 200, log.text
    entries = log.json()["items"]
    assert [e["what"] for e in entries] == ["read", "change", "consent", "read", "export", "erasure"]
    assert entries[0]["who"] == {"client": "stevns-jc", "municipality": "DK-0336"}
    assert entries[0]["purpose"] == "follow-up"
    assert entries[4]["who"]["municipality"] == "*"
    assert {e["service"] for e in entries} == {"registry"}


async def test_other_services_report_accesses_and_system_processes_are_pseudonymous(
    client: httpx.AsyncClient, stevns: dict[str, str], internal: dict[str, str]
) -> None:
    created = (await client.post("/v1/citizens", json=citizen(), headers=stevns)).json()
    unknown = str(uuid.uuid4())
    report = {
        "entries": [
            {
                "citizen_id": created["id"],
                "service": "matching",
                "client": "stevns-jc",
                "client_municipality": "DK-0336",
                "what": "recommendation",
                "purpose": "job search",
                "request_id": "ef" * 16,
                "occurred_at": "2026-12-07T10:00:00Z",
            },
            {
                "citizen_id": created["id"],
                "service": "outcomes",
                "client": "outcomes-feed-consumer",
                "system": True,
                "what": "feed",
                "occurred_at": "2026-12-07T10:00:01Z",
            },
            {
                "citizen_id": unknown,
                "service": "matching",
                "client": "stevns-jc",
                "what": "read",
                "occurred_at": "2026-12-07T10:00:02Z",
            },
        ]
    }
    receipt = await client.post("/internal/v1/access-log", json=report, headers=internal)
    assert receipt.status_code == 200, receipt.text
    assert receipt.json() == {"recorded": 2, "unknown_citizens": [unknown]}
    entries = (await client.get(f"/v1/citizens/{created['id']}/access-log", headers=stevns)).json()["items"]
    assert [(e["service"], e["what"]) for e in entries] == [("matching", "recommendation"), ("outcomes", "feed")]
    assert entries[0]["who"] == {"client": "stevns-jc", "municipality": "DK-0336"}
    assert entries[1]["who"]["client"].startswith("system-")
    assert "outcomes-feed-consumer" not in str(entries)


async def test_access_log_is_tenant_scoped_and_reporting_is_internal(
    client: httpx.AsyncClient, stevns: dict[str, str], jammerbugt: dict[str, str], tokens: TokenFactory
) -> None:
    created = (await client.post("/v1/citizens", json=citizen(), headers=stevns)).json()
    assert (await client.get(f"/v1/citizens/{created['id']}/access-log", headers=jammerbugt)).status_code == 404
    assert (await client.get(f"/v1/citizens/{uuid.uuid4()}/access-log", headers=stevns)).status_code == 404
    report = {
        "entries": [
            {
                "citizen_id": created["id"],
                "service": "x1",
                "client": "c",
                "what": "read",
                "occurred_at": "2026-12-07T10:00:00Z",
            }
        ]
    }
    assert (await client.post("/internal/v1/access-log", json=report, headers=stevns)).status_code == 403
    writer_only = tokens.headers(tenant="DK-0336", scopes=["openings:write"])
    assert (await client.get(f"/v1/citizens/{created['id']}/access-log", headers=writer_only)).status_code == 403


async def test_access_log_pages(client: httpx.AsyncClient, stevns: dict[str, str]) -> None:
    created = (await client.post("/v1/citizens", json=citizen(), headers=stevns)).json()
    for _ in range(3):
        await client.get(f"/v1/citizens/{created['id']}", headers=stevns)
    url = f"/v1/citizens/{created['id']}/access-log"
    first = (await client.get(url, params={"limit": 2}, headers=stevns)).json()
    second = (await client.get(url, params={"limit": 2, "cursor": first["next_cursor"]}, headers=stevns)).json()
    assert len(first["items"]) == 2
    assert len(second["items"]) == 1
    assert second["next_cursor"] is None


async def test_export_carries_consent_history_and_access_log(
    client: httpx.AsyncClient, stevns: dict[str, str], admin: dict[str, str]
) -> None:
    created = (await client.post("/v1/citizens", json=citizen(), headers=stevns)).json()
    url = f"/v1/citizens/{created['id']}"
    grant = {"purpose": "sharing_with_employer", "action": "grant", "method": "paper"}
    assert (await client.post(f"{url}/consents", json=grant, headers=stevns)).status_code == 201
    export = (await client.get(f"{url}/export", headers=admin)).json()
    assert [(e["purpose"], e["action"]) for e in export["consent_history"]] == [("sharing_with_employer", "grant")]
    assert [e["what"] for e in export["access_log"]] == ["consent", "export"]
    # A registry without followers configured says so per service rather than answering empty.
    held = export["held_by_other_services"]
    assert (held["matching"]["status"], held["outcomes"]["status"], export["complete"]) == (
        "not_configured",
        "not_configured",
        False,
    )
