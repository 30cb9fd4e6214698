from __future__ import annotations

from typing import Any

import httpx

from ..factories import citizen, organisation


async def _make(client: httpx.AsyncClient, headers: dict[str, str], path: str, body: dict[str, Any]) -> dict[str, Any]:
    response = await client.post(path, json=body, headers=headers)
    assert response.status_code == 201, response.text
    return dict(response.json())


async def partnership(client: httpx.AsyncClient, headers: dict[str, str]) -> dict[str, Any]:
    company = await _make(client, headers, "/v1/organisations", organisation())
    council = await _make(client, headers, "/v1/organisations", organisation(kind="business_council"))
    provider = await _make(client, headers, "/v1/organisations", organisation(kind="provider"))
    body = {
        "company_id": company["id"],
        "business_council_id": council["id"],
        "provider_id": provider["id"],
        "starts_on": "2026-02-01",
        "ends_on": "2027-01-31",
        "status": "active",
    }
    return await _make(client, headers, "/v1/partnerships", body)


async def test_partnership_happy_path_and_rules(client: httpx.AsyncClient, stevns: dict[str, str]) -> None:
    created = await partnership(client, stevns)
    assert created["status"] == "active"
    wrong = {
        **{k: created[k] for k in ("company_id", "business_council_id", "provider_id")},
        "starts_on": "2026-02-01",
        "ends_on": "2025-01-01",
    }
    wrong["provider_id"] = created["company_id"]  # a company is not a provider
    response = await client.post("/v1/partnerships", json=wrong, headers=stevns)
    assert sorted(e["field"] for e in response.json()["errors"]) == ["ends_on", "provider_id"]
    url = f"/v1/partnerships/{created['id']}"
    ended = await client.patch(url, json={"status": "ended"}, headers={**stevns, "If-Match": '"1"'})
    assert ended.status_code == 200
    assert ended.json()["status"] == "ended"
    assert (
        await client.patch(url, json={"status": "active"}, headers={**stevns, "If-Match": '"1"'})
    ).status_code == 412


async def test_partnership_cannot_use_another_municipalitys_organisations(
    client: httpx.AsyncClient, stevns: dict[str, str], jammerbugt: dict[str, str]
) -> None:
    theirs = await partnership(client, stevns)
    body = {k: theirs[k] for k in ("company_id", "business_council_id", "provider_id", "starts_on", "ends_on")}
    response = await client.post("/v1/partnerships", json=body, headers=jammerbugt)
    assert sorted(e["field"] for e in response.json()["errors"]) == ["business_council_id", "company_id", "provider_id"]
    url = f"/v1/partnerships/{theirs['id']}"
    assert (await client.get(url, headers=jammerbugt)).status_code == 404
    assert (await client.delete(url, headers=jammerbugt)).status_code == 404
    listed = (await client.get("/v1/partnerships", headers=jammerbugt)).json()["items"]
    assert theirs["id"] not in {p["id"] for p in listed}


async def test_enrolments_in_both_programmes_with_milestones(
    client: httpx.AsyncClient, stevns: dict[str, str], internal: dict[str, str]
) -> None:
    growth = await partnership(client, stevns)
    person = await _make(client, stevns, "/v1/citizens", citizen())
    course = await _make(
        client,
        stevns,
        "/v1/enrolments",
        {
            "programme": "citizen_course",
            "citizen_id": person["id"],
            "partnership_id": growth["id"],
            "started_on": "2026-02-01",
            "milestones": [{"name": "onboarding_done", "due_on": "2026-03-01", "reached_on": "2026-02-20"}],
        },
    )
    accelerator = await _make(
        client,
        stevns,
        "/v1/enrolments",
        {
            "programme": "company_accelerator",
            "organisation_id": growth["company_id"],
            "partnership_id": growth["id"],
            "started_on": "2026-02-01",
            "phase": "training",
        },
    )
    assert course["milestones"][0]["reached_on"] == "2026-02-20"
    assert accelerator["citizen_id"] is None
    moved = await client.patch(
        f"/v1/enrolments/{course['id']}", json={"phase": "placement"}, headers={**stevns, "If-Match": '"1"'}
    )
    assert moved.status_code == 200
    assert moved.json()["phase"] == "placement"
    listed = (await client.get("/v1/enrolments", params={"partnership_id": growth["id"]}, headers=stevns)).json()[
        "items"
    ]
    assert {e["id"] for e in listed} == {course["id"], accelerator["id"]}
    enrolled = (await client.get("/v1/citizens", params={"partnership_id": growth["id"]}, headers=stevns)).json()[
        "items"
    ]
    assert [c["id"] for c in enrolled] == [person["id"]]
    feed = (await client.get("/internal/v1/changes", params={"limit": 1000}, headers=internal)).json()
    while feed["items"]:
        last = [c for c in feed["items"] if c["entity_id"] == course["id"]]
        if last:
            assert set(last[0]["data"]) == {
                "id",
                "municipality",
                "programme",
                "citizen_id",
                "organisation_id",
                "partnership_id",
                "started_on",
                "phase",
                "milestones",
            }
            break
        feed = (
            await client.get(
                "/internal/v1/changes", params={"after": feed["next_cursor"], "limit": 1000}, headers=internal
            )
        ).json()
    else:
        raise AssertionError("enrolment not on the feed")
    assert (await client.delete(f"/v1/partnerships/{growth['id']}", headers=stevns)).status_code == 409


async def test_enrolment_rules_name_each_field(
    client: httpx.AsyncClient, stevns: dict[str, str], jammerbugt: dict[str, str]
) -> None:
    growth = await partnership(client, stevns)
    person = await _make(client, stevns, "/v1/citizens", citizen())
    body = {
        "programme": "citizen_course",
        "organisation_id": growth["company_id"],
        "partnership_id": growth["id"],
        "started_on": "2026-02-01",
        "milestones": [
            {"name": "a", "due_on": "2026-01-01"},
            {"name": "a", "due_on": "2026-03-01", "reached_on": "2999-01-01"},
        ],
    }
    response = await client.post("/v1/enrolments", json=body, headers=stevns)
    assert sorted(e["field"] for e in response.json()["errors"]) == [
        "citizen_id",
        "milestones.0.due_on",
        "milestones.1.name",
        "milestones.1.reached_on",
        "organisation_id",
    ]
    foreign = {
        "programme": "citizen_course",
        "citizen_id": person["id"],
        "partnership_id": growth["id"],
        "started_on": "2026-02-01",
    }
    response = await client.post("/v1/enrolments", json=foreign, headers=jammerbugt)
    assert sorted(e["field"] for e in response.json()["errors"]) == ["citizen_id", "partnership_id"]


async def test_other_municipality_gets_404_for_enrolment(
    client: httpx.AsyncClient, stevns: dict[str, str], jammerbugt: dict[str, str]
) -> None:
    growth = await partnership(client, stevns)
    enrolment = await _make(
        client,
        stevns,
        "/v1/enrolments",
        {
            "programme": "company_accelerator",
            "organisation_id": growth["company_id"],
            "partnership_id": growth["id"],
            "started_on": "2026-02-01",
        },
    )
    url = f"/v1/enrolments/{enrolment['id']}"
    assert (await client.get(url, headers=jammerbugt)).status_code == 404
    assert (
        await client.patch(url, json={"phase": "completed"}, headers={**jammerbugt, "If-Match": '"1"'})
    ).status_code == 404
    assert (await client.delete(url, headers=jammerbugt)).status_code == 404
    assert (await client.delete(url, headers=stevns)).status_code == 204
