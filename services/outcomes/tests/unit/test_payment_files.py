"""pain.001 files validate against the official ISO 20022 schema (pain.001.001.03, as sepaxml ships it)."""

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
import sepaxml
import xmlschema

from outcomes.api.payment_files import pain001
from outcomes.domain.payments import credit_transfer
from servicekit.domain_errors import Conflict

XSD = Path(sepaxml.__file__).parent / "schemas" / "pain.001.001.03.xsd"
NS = {"p": "urn:iso:std:iso:20022:tech:xsd:pain.001.001.03"}
DK_MUNICIPALITY = ("Stevns Kommune", {"iban": "DK5000400440116243", "bic": "DABADKKK"})
DK_PROVIDER = ("Jobbro ApS", {"iban": "DK9520000123456789", "bic": "NDEADKKK"})
SE_MUNICIPALITY = ("Stockholms stad", {"iban": "SE4550000000058398257466", "bic": "ESSESESS"})
SE_PROVIDER = ("Arbetsbro AB", {"iban": "SE3550000000054910000003", "bic": "ESSESESS"})


def transfer(currency: str, municipality: tuple[str, dict[str, str]], payee: tuple[str, dict[str, str]], **kw: object):  # type: ignore[no-untyped-def]
    arguments = {
        "statement_id": "5b2a1c0d-9e8f-4a7b-8c6d-5e4f3a2b1c0d",
        "status": "approved",
        "total": 1_234_567,
        "currency": currency,
        "period": "2024-02-01..2024-06-01",
        "municipality": municipality,
        "payee": payee,
        "execution_date": date(2026, 12, 8),
        **kw,
    }
    return credit_transfer(**arguments)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("currency", "municipality", "payee"),
    [("DKK", DK_MUNICIPALITY, DK_PROVIDER), ("SEK", SE_MUNICIPALITY, SE_PROVIDER)],
)
def test_the_payment_file_is_valid_pain001_in_dkk_and_sek(
    currency: str, municipality: tuple[str, dict[str, str]], payee: tuple[str, dict[str, str]]
) -> None:
    xml = pain001(transfer(currency, municipality, payee))
    schema = xmlschema.XMLSchema(str(XSD))
    schema.validate(xml.decode())
    document = schema.to_dict(xml.decode())
    payment = document["CstmrCdtTrfInitn"]["PmtInf"][0]
    transaction = payment["CdtTrfTxInf"][0]
    assert transaction["Amt"]["InstdAmt"] == {"@Ccy": currency, "$": Decimal("12345.67")}
    assert payment["DbtrAcct"]["Id"]["IBAN"] == municipality[1]["iban"]
    assert transaction["CdtrAcct"]["Id"]["IBAN"] == payee[1]["iban"]
    assert transaction["PmtId"]["EndToEndId"] == "5b2a1c0d9e8f4a7b8c6d5e4f3a2b1c0d"
    assert document["CstmrCdtTrfInitn"]["GrpHdr"]["CtrlSum"] == Decimal("12345.67")


def test_no_file_for_a_draft_a_zero_total_or_a_missing_account() -> None:
    with pytest.raises(Conflict):
        transfer("DKK", DK_MUNICIPALITY, DK_PROVIDER, status="draft")
    with pytest.raises(Conflict):
        transfer("DKK", DK_MUNICIPALITY, DK_PROVIDER, total=0)
    with pytest.raises(Conflict) as missing:
        transfer("DKK", DK_MUNICIPALITY, ("Jobbro ApS", None))
    assert [item.field for item in missing.value.errors] == ["payee.bank_account"]
    with pytest.raises(Conflict) as invalid:
        transfer("DKK", ("Stevns", {"iban": "DK5000400440116244", "bic": "DABADKKK"}), DK_PROVIDER)
    assert [item.field for item in invalid.value.errors] == ["municipality.bank_account.iban"]
