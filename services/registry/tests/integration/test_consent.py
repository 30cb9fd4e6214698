"""Consent per purpose: grants, withdrawals and legal bases as events; the feed carries the purposes."""

from __future__ import annotations

from typing import Any

import httpx

from ..factories import citizen

GRANT_SHARING = {"purpose": "sharing_with_employer", "action": "grant", "method": "paper"}


async def _feed_entry(
    client: httpx.AsyncClient, internal: dict[str, str], after: int, citizen_id: str
) -> dict[str, Any]:
    feed = (await client.get("/internal/v1/changes", params={"after": str(after)}, headers=internal)).json()["items"]
    return [c for c in feed if c["entity_id"] == citizen_id][-1]


async def _head(client: httpx.AsyncClient, internal: dict[str, str]) -> int:
    head: int = (await client.get("/internal/v1/changes", params={"limit": 1}, headers=internal)).json()["head"]
    return head


async def test_grant_and_withdraw_are_events_with_who_and_how(
    client: httpx.AsyncClient, stevns: dict[str, str], internal: dict[str, str]
) -> None:
    created = (await client.post("/v1/citizens", json=citizen(consent=None), headers=stevns)).json()
    url = f"/v1/citizens/{created['id']}/consents"
    head = await _head(client, internal)
    granted = await client.post(url, json=GRANT_SHARING, headers=stevns)
    assert granted.status_code == 201, granted.text
    assert granted.json()["purposes"]["sharing_with_employer"]["status"] == "granted"
    entry = await _feed_entry(client, internal, head, created["id"])
    assert entry["data"]["purposes"] == ["sharing_with_employer"]
    withdrawn = await client.post(
        url,
        json={**GRANT_SHARING, "action": "withdraw", "method": "verbal_with_witness", "witness": "K. Jensen"},
        headers=stevns,
    )
    assert withdrawn.status_code == 201, withdrawn.text
    state = (await client.get(url, headers=stevns)).json()
    assert state["purposes"]["sharing_with_employer"]["status"] == "withdrawn"
    assert [(e["action"], e["method"], e["witness"], e["recorded_by"]) for e in state["history"]] == [
        ("grant", "paper", None, "stevns-jc"),
        ("withdraw", "verbal_with_witness", "K. Jensen", "stevns-jc"),
    ]


async def test_withdrawing_a_consent_never_given_is_409(client: httpx.AsyncClient, stevns: dict[str, str]) -> None:
    created = (await client.post("/v1/citizens", json=citizen(consent=None), headers=stevns)).json()
    url = f"/v1/citizens/{created['id']}/consents"
    withdraw = {"purpose": "evaluation", "action": "withdraw", "method": "digital"}
    assert (await client.post(url, json=withdraw, headers=stevns)).status_code == 409
    basis = {"purpose": "evaluation", "action": "legal_basis", "legal_basis": "gdpr_6_1_e"}
    assert (await client.post(url, json=basis, headers=stevns)).status_code == 201
    assert (await client.post(url, json=withdraw, headers=stevns)).status_code == 409  # a legal basis is no consent


async def test_legal_basis_is_recorded_instead_of_consent(
    client: httpx.AsyncClient, stevns: dict[str, str], internal: dict[str, str]
) -> None:
    created = (await client.post("/v1/citizens", json=citizen(consent=None), headers=stevns)).json()
    head = await _head(client, internal)
    basis = {"purpose": "evaluation", "action": "legal_basis", "legal_basis": "gdpr_6_1_e"}
    answer = (await client.post(f"/v1/citizens/{created['id']}/consents", json=basis, headers=stevns)).json()
    assert answer["purposes"]["evaluation"] == {
        "status": "legal_basis",
        "since": answer["purposes"]["evaluation"]["since"],
        "basis": "gdpr_6_1_e",
    }
    assert (await _feed_entry(client, internal, head, created["id"]))["data"]["purposes"] == ["evaluation"]


async def test_events_need_how_and_a_witness_for_verbal(client: httpx.AsyncClient, stevns: dict[str, str]) -> None:
    created = (await client.post("/v1/citizens", json=citizen(), headers=stevns)).json()
    url = f"/v1/citizens/{created['id']}/consents"
    no_method = await client.post(url, json={"purpose": "matching", "action": "grant"}, headers=stevns)
    assert no_method.status_code == 422
    assert no_method.json()["errors"][0]["field"] == "method"
    verbal = await client.post(
        url, json={"purpose": "matching", "action": "grant", "method": "verbal_with_witness"}, headers=stevns
    )
    assert verbal.status_code == 422
    assert verbal.json()["errors"][0]["field"] == "witness"
    unknown = await client.post(
        url, json={"purpose": "marketing", "action": "grant", "method": "paper"}, headers=stevns
    )
    assert unknown.status_code == 422


async def test_legacy_consent_field_follows_matching_events(
    client: httpx.AsyncClient, stevns: dict[str, str], internal: dict[str, str]
) -> None:
    """Clients that read and write `consent {matching, given_at}` keep working; events on `matching` show in it."""
    created = (await client.post("/v1/citizens", json=citizen(), headers=stevns)).json()
    assert created["consent"]["matching"] is True
    url = f"/v1/citizens/{created['id']}"
    state = (await client.get(f"{url}/consents", headers=stevns)).json()
    assert state["purposes"]["matching"]["status"] == "granted"  # derived from the legacy field
    head = await _head(client, internal)
    withdraw = {"purpose": "matching", "action": "withdraw", "method": "digital"}
    assert (await client.post(f"{url}/consents", json=withdraw, headers=stevns)).status_code == 201
    read = await client.get(url, headers=stevns)
    assert read.json()["consent"]["matching"] is False
    entry = await _feed_entry(client, internal, head, created["id"])
    assert entry["data"]["consent"]["matching"] is False
    assert "matching" not in entry["data"]["purposes"]
    # A source system that writes a new consent decision the old way is the state of matching again.
    patched = await client.patch(
        url,
        json={"consent": {"matching": True, "given_at": "2026-06-01T09:00:00Z"}},
        headers={**stevns, "If-Match": read.headers["ETag"]},
    )
    assert patched.status_code == 200, patched.text
    assert patched.json()["consent"]["matching"] is True


async def test_a_resent_batch_does_not_undo_a_withdrawal(client: httpx.AsyncClient, stevns: dict[str, str]) -> None:
    body = citizen()
    (item,) = (await client.post("/v1/citizens:batch", json={"items": [body]}, headers=stevns)).json()["items"]
    withdraw = {"purpose": "matching", "action": "withdraw", "method": "paper"}
    assert (await client.post(f"/v1/citizens/{item['id']}/consents", json=withdraw, headers=stevns)).status_code == 201
    again = (await client.post("/v1/citizens:batch", json={"items": [body]}, headers=stevns)).json()["items"][0]
    assert again["status"] == "unchanged"
    changed = (
        await client.post("/v1/citizens:batch", json={"items": [{**body, "work_capacity_hours": 7}]}, headers=stevns)
    ).json()
    assert changed["items"][0]["status"] == "updated"
    assert (await client.get(f"/v1/citizens/{item['id']}", headers=stevns)).json()["consent"]["matching"] is False


async def test_consent_of_another_municipality_is_404(
    client: httpx.AsyncClient, stevns: dict[str, str], jammerbugt: dict[str, str]
) -> None:
    created = (await client.post("/v1/citizens", json=citizen(), headers=stevns)).json()
    url = f"/v1/citizens/{created['id']}/consents"
    assert (await client.get(url, headers=jammerbugt)).status_code == 404
    assert (await client.post(url, json=GRANT_SHARING, headers=jammerbugt)).status_code == 404
