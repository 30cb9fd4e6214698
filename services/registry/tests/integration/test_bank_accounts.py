"""Bank accounts on municipalities and organisations: validated, compacted, and on the feed for outcomes."""

from __future__ import annotations

import httpx

from ..factories import organisation

VALID = {"iban": "DK50 0040 0440 1162 43", "bic": "DABADKKK"}


async def test_an_organisation_keeps_its_account_compacted_and_publishes_it(
    client: httpx.AsyncClient, stevns: dict[str, str], internal: dict[str, str]
) -> None:
    created = await client.post("/v1/organisations", json=organisation(bank_account=VALID), headers=stevns)
    assert created.status_code == 201, created.text
    assert created.json()["bank_account"] == {"iban": "DK5000400440116243", "bic": "DABADKKK"}
    feed = (await client.get("/internal/v1/changes?limit=1000", headers=internal)).json()
    while feed["next_cursor"]:
        last = feed
        feed = (
            await client.get(f"/internal/v1/changes?limit=1000&after={feed['next_cursor']}", headers=internal)
        ).json()
        if not feed["items"]:
            feed = last
            break
    entries = [c for c in feed["items"] if c["entity_id"] == created.json()["id"]]
    assert entries[-1]["data"]["bank_account"] == {"iban": "DK5000400440116243", "bic": "DABADKKK"}


async def test_an_invalid_iban_or_bic_is_422_naming_the_field(
    client: httpx.AsyncClient, stevns: dict[str, str]
) -> None:
    for account, field in (
        ({"iban": "DK5000400440116244", "bic": "DABADKKK"}, "bank_account.iban"),
        ({"iban": "DK5000400440116243", "bic": "DABA"}, "bank_account.bic"),
    ):
        answer = await client.post("/v1/organisations", json=organisation(bank_account=account), headers=stevns)
        assert answer.status_code == 422, answer.text
        assert field in [e["field"] for e in answer.json()["errors"]]


async def test_a_municipality_sets_its_account_and_a_bad_one_is_refused(
    client: httpx.AsyncClient, admin: dict[str, str], municipalities: dict[str, str]
) -> None:
    current = await client.get("/v1/municipalities/DK-0849", headers=admin)
    bad = await client.patch(
        "/v1/municipalities/DK-0849",
        json={"bank_account": {"iban": "DK00 1234", "bic": "DABADKKK"}},
        headers={**admin, "If-Match": current.headers["etag"]},
    )
    assert bad.status_code == 422
    assert [e["field"] for e in bad.json()["errors"]] == ["bank_account.iban"]
    good = await client.patch(
        "/v1/municipalities/DK-0849",
        json={"bank_account": VALID},
        headers={**admin, "If-Match": current.headers["etag"]},
    )
    assert good.status_code == 200, good.text
    assert good.json()["bank_account"]["iban"] == "DK5000400440116243"


async def test_an_investor_is_an_organisation_kind(client: httpx.AsyncClient, stevns: dict[str, str]) -> None:
    answer = await client.post(
        "/v1/organisations", json=organisation("investor", name="Den Sociale Kapitalfond"), headers=stevns
    )
    assert answer.status_code == 201, answer.text
    assert answer.json()["kind"] == "investor"
