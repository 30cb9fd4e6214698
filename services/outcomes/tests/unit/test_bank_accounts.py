import pytest

from outcomes.domain.bank_accounts import bank_account
from servicekit.domain_errors import ValidationFailed


@pytest.mark.parametrize(
    ("iban", "bic", "country"),
    [("DK50 0040 0440 1162 43", "DABADKKK", "DK"), ("SE45 5000 0000 0583 9825 7466", "ESSESESS", "SE")],
)
def test_danish_and_swedish_accounts_are_valid(iban: str, bic: str, country: str) -> None:
    account = bank_account({"iban": iban, "bic": bic})
    assert account.country == country
    assert " " not in account.iban


def test_an_invalid_iban_names_the_field() -> None:
    with pytest.raises(ValidationFailed) as error:
        bank_account({"iban": "DK5000400440116244", "bic": "DABADKKK"})
    assert [item.field for item in error.value.errors] == ["bank_account.iban"]


def test_an_invalid_bic_names_the_field() -> None:
    with pytest.raises(ValidationFailed) as error:
        bank_account({"iban": "DK5000400440116243", "bic": "DA"})
    assert [item.field for item in error.value.errors] == ["bank_account.bic"]
