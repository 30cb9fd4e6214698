"""Bank accounts for payment files: IBAN and BIC validated with python-stdnum (ISO 13616, ISO 9362)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from stdnum import bic as stdnum_bic
from stdnum import iban as stdnum_iban
from stdnum.exceptions import ValidationError

from servicekit.domain_errors import InvalidField


@dataclass(frozen=True)
class BankAccount:
    iban: str
    bic: str

    @property
    def country(self) -> str:
        return self.iban[:2]


def bank_account(document: Mapping[str, Any], *, field: str = "bank_account") -> BankAccount:
    """A validated account from {iban, bic}; 422 naming `bank_account.iban` or `.bic` otherwise."""
    iban, bic = document.get("iban"), document.get("bic")
    try:
        iban = stdnum_iban.validate(str(iban or ""))
    except ValidationError as error:
        raise InvalidField(f"{field}.iban", f"not a valid IBAN ({error})", code="invalid_iban") from error
    try:
        bic = stdnum_bic.validate(str(bic or ""))
    except ValidationError as error:
        raise InvalidField(f"{field}.bic", f"not a valid BIC ({error})", code="invalid_bic") from error
    return BankAccount(iban=str(iban), bic=str(bic))
