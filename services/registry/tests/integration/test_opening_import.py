"""openings:import through the ASGI app: re-import, update, removal, flags, tenancy, JSON-LD."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from servicekit.testing import TokenFactory

from ..ads import KITCHEN_ASSISTANT, load, renamed, starter_map

IMPORT = "/v1/openings:import"


@pytest.fixture(autouse=True)
def occupation_map(registry_app: FastAPI) -> Iterator[None]:
    """The map the registry builds from ESCO's occupations, over the few rows the fixtures need."""
    before = registry_app.state.occupation_map
    registry_app.state.occupation_map = starter_map()
    yield
    registry_app.state.occupation_map = before


@pytest.fixture
def national(tokens: TokenFactory, municipalities: dict[str, str]) -> dict[str, str]:
    return tokens.headers(tenant="*", scopes=["openings:write"], client_id="national-import")


def suffix() -> str:
    return uuid.uuid4().hex[:8]


async def run(client: httpx.AsyncClient, fmt: str, items: list[dict[str, Any]], headers: dict[str, str]) -> Any:
    response = await client.post(IMPORT, json={"format": fmt, "items": items}, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


async def test_jobstream_import_is_incremental_and_idempotent(client: httpx.AsyncClient, falun: dict[str, str]) -> None:
    tag = suffix()
    ads = renamed(load("jobstream_ads.jsonl"), tag)
    first = await run(client, "jobtech-jobstream-v2", ads, falun)
    assert [i["status"] for i in first["items"]] == ["created"] * 3, first
    assert first["items"][0]["external_ref"] == f"jobtech:30100001-{tag}"
    kitchen = (await client.get(f"/v1/openings/{first['items'][0]['id']}", headers=falun)).json()
    assert kitchen["occupation"] == "bb:occupation:kitchen-assistant"
    assert (kitchen["municipality"], kitchen["seats"], kitchen["hours_per_week"]) == (
        "SE-2080",
        2,
        {"min": 30, "max": 30},
    )
    assert kitchen["location"] == {"postcode": "79131", "lat": 60.6065, "lon": 15.6355}
    assert kitchen["valid_through"] == "2026-12-20T23:59:59Z"
    assert {c["code"]: c["weight"] for c in kitchen["source_concepts"] if c["role"] != "occupation"} == {
        "Aj4R_7pH_tcQ": 10,
        "VXkX_1Uv_rbG": 10,
        "NwWt_3YB_W4x": 5,
    }
    unknown = (await client.get(f"/v1/openings/{first['items'][2]['id']}", headers=falun)).json()
    assert unknown["occupation"] == "jobtech-occupation:zZ9x_Unk_0wn"
    assert unknown["unmapped"] == ["jobtech-occupation:zZ9x_Unk_0wn"]  # imported, recorded and flagged

    again = await run(client, "jobtech-jobstream-v2", ads, falun)
    assert again["summary"] == {"created": 0, "updated": 0, "unchanged": 3, "error": 0}
    assert [i["id"] for i in again["items"]] == [i["id"] for i in first["items"]]

    changed = [{**ads[0], "headline": "Köksbiträde, 100 %", "scope_of_work": {"min": 100, "max": 100}}]
    updated = await run(client, "jobtech-jobstream-v2", changed, falun)
    assert updated["items"][0]["status"] == "updated"
    assert (await client.get(f"/v1/openings/{first['items'][0]['id']}", headers=falun)).json()["title"] == (
        "Köksbiträde, 100 %"
    )

    tombstones = [*renamed(load("jobstream_removed.jsonl"), tag), {"id": f"404-{tag}", "removed": True}]
    removed = await run(client, "jobtech-jobstream-v2", tombstones, falun)
    assert [i["status"] for i in removed["items"]] == ["updated", "error"]
    assert removed["items"][1]["problem"]["status"] == 404
    cleaner = (await client.get(f"/v1/openings/{first['items'][1]['id']}", headers=falun)).json()
    assert cleaner["status"] == "closed"
    assert (await run(client, "jobtech-jobstream-v2", tombstones[:1], falun))["items"][0]["status"] == "unchanged"
    reopened = await run(client, "jobtech-jobstream-v2", ads[1:2], falun)  # published again
    assert reopened["items"][0]["status"] == "updated"


async def test_jobnet_import_conditions_and_employers(client: httpx.AsyncClient, national: dict[str, str]) -> None:
    tag = suffix()
    postings = renamed(load("jobnet_postings.jsonl"), tag, key="ID")
    result = await run(client, "jobnet-v1", postings, national)
    assert result["summary"]["created"] == 3, result
    flex, subsidy, practice = [
        (await client.get(f"/v1/openings/{i['id']}", headers=national)).json() for i in result["items"]
    ]
    assert (flex["municipality"], flex["flexjob"], flex["occupation"]) == (
        "DK-0336",
        True,
        "bb:occupation:kitchen-assistant",
    )
    assert (subsidy["municipality"], subsidy["support_offered"]) == ("DK-0849", ["x-loentilskud"])  # found by name
    assert subsidy["occupation"] == "bb:occupation:building-cleaner"  # DISCO-08 911210 → ISCO 9112
    assert practice["support_offered"] == ["x-virksomhedspraktik"]
    assert practice["unmapped"] == ["jobnet-occupation:Lagermedarbejder"]
    employer = (await client.get(f"/v1/organisations/{flex['organisation_id']}", headers=national)).json()
    assert (employer["kind"], employer["registration_number"], employer["name"]) == (
        "company",
        "31415926",
        "Stevns Madhus ApS",
    )
    second = {**postings[0], "ID": f"5500199-{tag}", "Title": "Opvasker i fleksjob"}
    reused = await run(client, "jobnet-v1", [second], national)
    opened = (await client.get(f"/v1/openings/{reused['items'][0]['id']}", headers=national)).json()
    assert opened["organisation_id"] == flex["organisation_id"]  # looked up by CVR, not created twice


async def test_tenancy_unknown_municipality_and_bad_items(
    client: httpx.AsyncClient, stevns: dict[str, str], national: dict[str, str]
) -> None:
    tag = suffix()
    own, other, _ = renamed(load("jobnet_postings.jsonl"), tag, key="ID")
    bad_cvr = {**own, "ID": f"5500666-{tag}", "HiringOrgCVR": 12345678}
    result = await run(client, "jobnet-v1", [own, other, bad_cvr, {"Title": "no id"}, "not an ad"], stevns)
    statuses = [(i["status"], (i["problem"] or {}).get("status")) for i in result["items"]]
    assert statuses == [("created", None), ("error", 403), ("error", 422), ("error", 422), ("error", 422)]
    assert result["items"][2]["problem"]["errors"][0]["code"] == "invalid_registration_number"
    assert result["items"][3]["problem"]["errors"][0]["field"] == "ID"

    nowhere = [
        {**own, "ID": f"5500777-{tag}", "MunicipalityCode": "999"},
        {**own, "ID": f"5500778-{tag}", "Municipality": "Atlantis"},
    ]
    for posting in nowhere[1:]:
        posting.pop("MunicipalityCode", None)
    refused = await run(client, "jobnet-v1", nowhere, national)
    assert [i["problem"]["errors"][0]["code"] for i in refused["items"]] == ["unknown_municipality"] * 2


async def test_unknown_format_is_422_naming_format(client: httpx.AsyncClient, falun: dict[str, str]) -> None:
    response = await client.post(IMPORT, json={"format": "jobtech-jobstream-v9", "items": [{"id": "1"}]}, headers=falun)
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["format"]
    assert (await client.post(IMPORT, json={"format": "jobnet-v1", "items": []}, headers=falun)).status_code == 422


async def test_import_needs_openings_write(
    client: httpx.AsyncClient, tokens: TokenFactory, municipalities: Any
) -> None:
    reader = tokens.headers(tenant="SE-2080", scopes=["matching:read"])
    response = await client.post(IMPORT, json={"format": "jobnet-v1", "items": [{}]}, headers=reader)
    assert response.status_code == 403


async def test_job_posting_json_ld(client: httpx.AsyncClient, stevns: dict[str, str]) -> None:
    posting = renamed(load("jobnet_postings.jsonl")[:1], suffix(), key="ID")
    result = await run(client, "jobnet-v1", posting, stevns)
    opening_id = result["items"][0]["id"]
    response = await client.get(f"/v1/openings/{opening_id}/jobposting", headers=stevns)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/ld+json")
    document = response.json()
    assert (document["@context"], document["@type"]) == ("https://schema.org/", "JobPosting")
    assert document["occupationalCategory"]["@type"] == "CategoryCode"
    assert document["occupationalCategory"]["@id"] == KITCHEN_ASSISTANT
    assert document["hiringOrganization"]["name"] == "Stevns Madhus ApS"
    assert document["hiringOrganization"]["identifier"]["value"] == "31415926"
    assert document["jobLocation"]["address"]["postalCode"] == "4660"
    assert document["employmentType"] == ["PART_TIME", "OTHER"]
    assert (document["workHours"], document["totalJobOpenings"]) == ("10-12 hours per week", 1)
    assert document["validThrough"] == "2026-12-18T00:00:00Z"
    assert isinstance(document["skills"], list)

    page = await client.get("/v1/openings:jobposting", params={"municipality": "DK-0336", "limit": 2}, headers=stevns)
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("application/ld+json")
    listed = page.json()
    assert listed["@type"] == "ItemList"
    assert all(item["@type"] == "JobPosting" for item in listed["itemListElement"])
    assert listed["numberOfItems"] == len(listed["itemListElement"]) <= 2
    other = await client.get(f"/v1/openings/{uuid.uuid4()}/jobposting", headers=stevns)
    assert other.status_code == 404


async def test_openapi_documents_json_ld(client: httpx.AsyncClient) -> None:
    spec = (await client.get("/openapi.json")).json()
    single = spec["paths"]["/v1/openings/{opening_id}/jobposting"]["get"]["responses"]["200"]["content"]
    assert list(single) == ["application/ld+json"]
    assert "application/ld+json" in spec["paths"]["/v1/openings:jobposting"]["get"]["responses"]["200"]["content"]
    assert "/v1/openings:import" in spec["paths"]
