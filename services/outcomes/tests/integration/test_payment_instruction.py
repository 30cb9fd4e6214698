"""Draft -> approved by a second client -> pain.001 from the municipality's account to the payee's."""

from pathlib import Path
from typing import Any

import httpx
import sepaxml
import xmlschema

from tests.conftest import FakeRegistryFeed
from tests.integration.test_approval import draft

XSD = Path(sepaxml.__file__).parent / "schemas" / "pain.001.001.03.xsd"
MUNICIPALITY_ACCOUNT = {"iban": "DK5000400440116243", "bic": "DABADKKK"}
PROVIDER_ACCOUNT = {"iban": "DK9520000123456789", "bic": "NDEADKKK"}


def give_accounts(registry: FakeRegistryFeed, provider_id: str, *, provider_account: dict[str, str] | None) -> None:
    registry.add(
        "municipality",
        "DK-0336",
        "DK-0336",
        {"code": "DK-0336", "name": "Stevns Kommune", "country": "DK", "bank_account": MUNICIPALITY_ACCOUNT},
    )
    registry.add(
        "organisation",
        provider_id,
        "DK-0336",
        {
            "id": provider_id,
            "kind": "provider",
            "municipality": "DK-0336",
            "country": "DK",
            "name": "Jobbro ApS",
            "bank_account": provider_account,
        },
    )


async def test_an_approved_statement_becomes_a_valid_pain001_file(
    client: httpx.AsyncClient,
    stevns: dict[str, str],
    checker: dict[str, str],
    registry: FakeRegistryFeed,
    sync: Any,
) -> None:
    statement, _ = await draft(client, stevns, registry, sync)
    contract = (await client.get(f"/v1/contracts/{statement['contract_id']}", headers=stevns)).json()
    path = f"/v1/settlements/{statement['id']}/payment-instruction"
    not_yet = await client.get(path, headers=stevns)
    assert not_yet.status_code == 409
    assert not_yet.json()["code"] == "not-approved"
    await client.post(f"/v1/settlements/{statement['id']}:approve", json={}, headers=checker)

    give_accounts(registry, contract["payee_id"], provider_account=None)
    await sync()
    missing = await client.get(path, headers=stevns)
    assert missing.status_code == 409
    assert [error["field"] for error in missing.json()["errors"]] == ["payee.bank_account"]

    give_accounts(registry, contract["payee_id"], provider_account=PROVIDER_ACCOUNT)
    await sync()
    response = await client.get(path, headers=stevns)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/xml")
    schema = xmlschema.XMLSchema(str(XSD))
    schema.validate(response.text)
    document = schema.to_dict(response.text)["CstmrCdtTrfInitn"]
    transaction = document["PmtInf"][0]["CdtTrfTxInf"][0]
    assert transaction["Amt"]["InstdAmt"]["@Ccy"] == "DKK"
    assert int(transaction["Amt"]["InstdAmt"]["$"] * 100) == statement["total"]
    assert transaction["CdtrAcct"]["Id"]["IBAN"] == PROVIDER_ACCOUNT["iban"]
    assert document["PmtInf"][0]["DbtrAcct"]["Id"]["IBAN"] == MUNICIPALITY_ACCOUNT["iban"]
    assert transaction["Cdtr"]["Nm"] == "Jobbro ApS"
