import uuid

import httpx

RECEIVER = "http://127.0.0.1:9/hooks/api"


async def create(client: httpx.AsyncClient, headers: dict[str, str], **body: object) -> httpx.Response:
    payload = {"url": RECEIVER, "events": ["citizen.enrolled"], **body}
    return await client.post("/v1/webhooks", json=payload, headers=headers)


async def test_create_answers_the_secret_once_and_reads_never_show_it(
    client: httpx.AsyncClient, stevns: dict[str, str]
) -> None:
    created = await create(client, stevns, events=["statement.approved", "citizen.enrolled"])
    assert created.status_code == 201
    body = created.json()
    assert body["secret"].startswith("whsec_")
    assert body["municipality"] == "DK-0336"
    assert body["events"] == ["citizen.enrolled", "statement.approved"]
    assert created.headers["Location"] == f"/v1/webhooks/{body['id']}"
    read = await client.get(f"/v1/webhooks/{body['id']}", headers=stevns)
    assert read.status_code == 200
    assert "secret" not in read.json()
    listed = await client.get("/v1/webhooks", headers=stevns, params={"limit": 200})
    assert body["id"] in [item["id"] for item in listed.json()["items"]]
    assert all("secret" not in item for item in listed.json()["items"])


async def test_a_url_that_is_not_https_is_refused_naming_url(client: httpx.AsyncClient, stevns: dict[str, str]) -> None:
    refused = await create(client, stevns, url="http://jobcenter.stevns.dk/hooks")
    assert refused.status_code == 422
    assert [e["field"] for e in refused.json()["errors"]] == ["url"]


async def test_an_unknown_event_type_is_refused(client: httpx.AsyncClient, stevns: dict[str, str]) -> None:
    refused = await create(client, stevns, events=["citizen.deleted"])
    assert refused.status_code == 422


async def test_another_municipality_gets_404_for_a_webhook(
    client: httpx.AsyncClient, stevns: dict[str, str], jammerbugt: dict[str, str]
) -> None:
    webhook_id = (await create(client, stevns)).json()["id"]
    for method, path in [
        ("GET", f"/v1/webhooks/{webhook_id}"),
        ("DELETE", f"/v1/webhooks/{webhook_id}"),
        ("POST", f"/v1/webhooks/{webhook_id}:rotate-secret"),
        ("GET", f"/v1/webhooks/{webhook_id}/deliveries"),
        ("POST", f"/v1/webhooks/{webhook_id}/deliveries/{uuid.uuid4()}:replay"),
    ]:
        answer = await client.request(method, path, headers=jammerbugt)
        assert answer.status_code == 404, (method, path)
    listed = await client.get("/v1/webhooks", headers=jammerbugt, params={"limit": 200})
    assert webhook_id not in [item["id"] for item in listed.json()["items"]]


async def test_without_the_scope_the_answer_is_403(client: httpx.AsyncClient, tokens) -> None:  # type: ignore[no-untyped-def]
    reader = tokens.headers(tenant="DK-0336", scopes=["outcomes:read"])
    assert (await client.get("/v1/webhooks", headers=reader)).status_code == 403


async def test_rotating_gives_a_new_secret(client: httpx.AsyncClient, stevns: dict[str, str]) -> None:
    created = (await create(client, stevns)).json()
    rotated = await client.post(f"/v1/webhooks/{created['id']}:rotate-secret", headers=stevns)
    assert rotated.status_code == 200
    assert rotated.json()["secret"] not in (created["secret"], None)
    read = (await client.get(f"/v1/webhooks/{created['id']}", headers=stevns)).json()
    assert read["secret_rotated_at"] is not None


async def test_delete_disables_and_the_webhook_stays_readable(
    client: httpx.AsyncClient, stevns: dict[str, str]
) -> None:
    webhook_id = (await create(client, stevns)).json()["id"]
    assert (await client.delete(f"/v1/webhooks/{webhook_id}", headers=stevns)).status_code == 204
    assert (await client.delete(f"/v1/webhooks/{webhook_id}", headers=stevns)).status_code == 204
    read = (await client.get(f"/v1/webhooks/{webhook_id}", headers=stevns)).json()
    assert read["status"] == "disabled"
    assert read["disabled_at"] is not None


async def test_the_same_idempotency_key_replays_the_first_answer(
    client: httpx.AsyncClient, stevns: dict[str, str]
) -> None:
    headers = {**stevns, "Idempotency-Key": uuid.uuid4().hex}
    payload = {"url": RECEIVER, "events": ["citizen.enrolled"]}
    first = await client.post("/v1/webhooks", json=payload, headers=headers)
    again = await client.post("/v1/webhooks", json=payload, headers=headers)
    assert again.json()["id"] == first.json()["id"]
    assert again.headers["Idempotent-Replayed"] == "true"
    other = await client.post("/v1/webhooks", json={**payload, "description": "x"}, headers=headers)
    assert other.status_code == 422


async def test_a_national_client_names_the_municipality(client: httpx.AsyncClient, tokens) -> None:  # type: ignore[no-untyped-def]
    national = tokens.headers(tenant="*", scopes=["webhooks:manage"])
    assert (await create(client, national)).status_code == 422
    created = await create(client, national, municipality="DK-0813")
    assert created.status_code == 201
    assert created.json()["municipality"] == "DK-0813"
