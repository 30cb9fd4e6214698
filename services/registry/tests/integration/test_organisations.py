from __future__ import annotations

import httpx
import pytest

from ..factories import organisation


async def test_company_with_valid_cvr_is_created_and_read(client: httpx.AsyncClient, stevns: dict[str, str]) -> None:
    created = await client.post("/v1/organisations", json=organisation(), headers=stevns)
    assert created.status_code == 201, created.text
    body = created.json()
    assert (body["country"], body["municipality"], body["asf_criteria"]) == ("DK", "DK-0336", None)
    read = await client.get(f"/v1/organisations/{body['id']}", headers=stevns)
    assert read.status_code == 200
    assert read.headers["etag"] == '"1"'


async def test_swedish_company_with_luhn_organisationsnummer(client: httpx.AsyncClient, falun: dict[str, str]) -> None:
    good = await client.post("/v1/organisations", json=organisation(registration_number="556036-0793"), headers=falun)
    assert good.status_code == 201, good.text
    assert good.json()["registration_number"] == "5560360793"
    bad = await client.post("/v1/organisations", json=organisation(registration_number="5560360794"), headers=falun)
    assert [e["field"] for e in bad.json()["errors"]] == ["registration_number"]


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        (organisation(registration_number="13585627"), ["registration_number"]),  # modulus-11 fails
        (organisation(registration_number="1358562"), ["registration_number"]),
        (organisation(registration_number=None), ["registration_number"]),
        (organisation(kind="bank"), ["kind"]),
        (
            organisation(
                kind="provider",
                asf_criteria={
                    "work_integration_purpose": True,
                    "reinvests_profits": True,
                    "participant_involvement": True,
                    "independent_of_public_sector": True,
                },
            ),
            ["asf_criteria"],
        ),
        (organisation(kind="social_enterprise", asf_criteria=None), ["asf_criteria"]),
        (
            organisation(
                kind="social_enterprise",
                asf_criteria={
                    "work_integration_purpose": True,
                    "reinvests_profits": False,
                    "participant_involvement": True,
                    "independent_of_public_sector": False,
                },
            ),
            ["asf_criteria.reinvests_profits", "asf_criteria.independent_of_public_sector"],
        ),
        (organisation(id="6f1c6f1c-6f1c-4f1c-8f1c-6f1c6f1c6f1c"), ["id"]),
    ],
)
async def test_invalid_organisation_names_each_field(
    client: httpx.AsyncClient, stevns: dict[str, str], body: dict[str, object], fields: list[str]
) -> None:
    response = await client.post("/v1/organisations", json=body, headers=stevns)
    assert response.status_code == 422, response.text
    assert [e["field"] for e in response.json()["errors"]] == fields


async def test_social_enterprise_meeting_all_asf_criteria(client: httpx.AsyncClient, stevns: dict[str, str]) -> None:
    response = await client.post("/v1/organisations", json=organisation(kind="social_enterprise"), headers=stevns)
    assert response.status_code == 201, response.text
    assert response.json()["asf_criteria"]["work_integration_purpose"] is True


async def test_update_with_etag_and_delete(
    client: httpx.AsyncClient, stevns: dict[str, str], internal: dict[str, str]
) -> None:
    created = (await client.post("/v1/organisations", json=organisation(kind="provider"), headers=stevns)).json()
    url = f"/v1/organisations/{created['id']}"
    renamed = await client.patch(url, json={"name": "Jobvejen A/S"}, headers={**stevns, "If-Match": '"1"'})
    assert renamed.status_code == 200
    assert renamed.json()["name"] == "Jobvejen A/S"
    assert (await client.patch(url, json={"name": "X"}, headers={**stevns, "If-Match": '"1"'})).status_code == 412
    assert (await client.delete(url, headers=stevns)).status_code == 204
    assert (await client.get(url, headers=stevns)).status_code == 404


async def test_other_municipality_gets_404_for_organisation(
    client: httpx.AsyncClient, stevns: dict[str, str], jammerbugt: dict[str, str]
) -> None:
    created = (await client.post("/v1/organisations", json=organisation(), headers=stevns)).json()
    url = f"/v1/organisations/{created['id']}"
    assert (await client.get(url, headers=jammerbugt)).status_code == 404
    assert (await client.patch(url, json={"name": "x"}, headers={**jammerbugt, "If-Match": '"1"'})).status_code == 404
    assert (await client.delete(url, headers=jammerbugt)).status_code == 404
    listed = (await client.get("/v1/organisations", params={"limit": 200}, headers=jammerbugt)).json()["items"]
    assert created["id"] not in {o["id"] for o in listed}
