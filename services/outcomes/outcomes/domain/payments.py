"""What a payment file may pay: an approved statement's positive total, between two valid accounts."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from servicekit.domain_errors import Conflict, FieldError, ValidationFailed

from .bank_accounts import BankAccount, bank_account

CURRENCIES = ("DKK", "SEK")


@dataclass(frozen=True)
class Party:
    name: str
    account: BankAccount


@dataclass(frozen=True)
class CreditTransfer:
    """One credit transfer from the municipality to the payee: the statement's total in øre."""

    reference: str
    debtor: Party
    creditor: Party
    amount: int
    currency: str
    execution_date: date
    remittance: str


def _party(name: str, account: Mapping[str, Any] | None, field: str) -> tuple[Party | None, list[FieldError]]:
    if not account:
        return None, [FieldError(f"{field}.bank_account", "no bank account on record", "missing")]
    try:
        return Party(name, bank_account(account, field=f"{field}.bank_account")), []
    except ValidationFailed as error:
        return None, list(error.errors)


def credit_transfer(
    *,
    statement_id: str,
    status: str,
    total: int,
    currency: str,
    period: str,
    municipality: tuple[str, Mapping[str, Any] | None],
    payee: tuple[str, Mapping[str, Any] | None],
    execution_date: date,
) -> CreditTransfer:
    """The transfer an approved statement asks for; 409 naming what is missing or not payable."""
    if status != "approved":
        raise Conflict(f"Only an approved statement is paid; this one is {status}.", code="not-approved")
    if total <= 0:
        raise Conflict("The statement's total is not positive: there is nothing to pay.", code="nothing-to-pay")
    if currency not in CURRENCIES:
        raise Conflict(f"Payment files are made in {' or '.join(CURRENCIES)}, not {currency}.", code="currency")
    debtor, debtor_errors = _party(municipality[0], municipality[1], "municipality")
    creditor, creditor_errors = _party(payee[0], payee[1], "payee")
    if debtor is None or creditor is None:
        raise Conflict(
            "A payment file needs a valid bank account on the municipality and on the payee.",
            errors=[*debtor_errors, *creditor_errors],
            code="bank-account",
        )
    return CreditTransfer(
        reference=statement_id.replace("-", "")[:35],
        debtor=debtor,
        creditor=creditor,
        amount=total,
        currency=currency,
        execution_date=execution_date,
        remittance=f"Brobygger outcome payment {period}, statement {statement_id}"[:140],
    )
