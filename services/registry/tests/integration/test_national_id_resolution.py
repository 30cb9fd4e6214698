"""Another service turns national ids from a file into citizen ids, by position, and the read is audited."""

from __future__ import annotations

import httpx

from ..factories import citizen

PATH = "/internal/v1/citizens:resolve-national-ids"


async def test_ids_resolve_by_position_and_no_national_id_comes_back(
    client: httpx.AsyncClient, stevns: dict[str, str], internal: dict[str, str], admin: dict[str, str]
) -> None:
    body = citizen()
    created = (await client.post("/v1/citizens", json=body, headers=stevns)).json()
    unknown = "0101011234"  # a real date nobody in the tests holds
    ids = [unknown, body["national_id"], "not-a-cpr"]
    answer = await client.post(PATH, json={"municipality": "DK-0336", "national_ids": ids}, headers=internal)
    assert answer.status_code == 200, answer.text
    assert answer.json() == {
        "items": [
            {"index": 0, "citizen_id": None},
            {"index": 1, "citizen_id": created["id"]},
            {"index": 2, "citizen_id": None},
        ]
    }
    assert body["national_id"] not in answer.text
    log = (await client.get(f"/v1/citizens/{created['id']}/access-log", headers=stevns)).json()["items"]
    assert any(entry["what"] == "read" and entry["purpose"] == "resolve national ids" for entry in log), log


async def test_another_municipalitys_citizen_does_not_resolve(
    client: httpx.AsyncClient, stevns: dict[str, str], internal: dict[str, str]
) -> None:
    body = citizen()
    assert (await client.post("/v1/citizens", json=body, headers=stevns)).status_code == 201
    answer = await client.post(
        PATH, json={"municipality": "DK-0849", "national_ids": [body["national_id"]]}, headers=internal
    )
    assert answer.json()["items"] == [{"index": 0, "citizen_id": None}]


async def test_only_the_internal_scope_may_resolve(client: httpx.AsyncClient, stevns: dict[str, str]) -> None:
    answer = await client.post(PATH, json={"municipality": "DK-0336", "national_ids": ["0101901234"]}, headers=stevns)
    assert answer.status_code == 403
