"""Bank accounts of municipalities and organisations, for the payment files outcomes writes:
IBAN (ISO 13616) and BIC (ISO 9362) validated with python-stdnum, stored in their compact form."""

from __future__ import annotations

from collections.abc import Mapping

from stdnum import bic as stdnum_bic
from stdnum import iban as stdnum_iban
from stdnum.exceptions import ValidationError

from registry.domain.violations import Violation

FIELD = "bank_account"


def bank_account_violations(account: Mapping[str, str] | None) -> list[Violation]:
    """What is wrong with an account ({iban, bic}); none for no account at all."""
    if account is None:
        return []
    violations = []
    try:
        stdnum_iban.validate(account.get("iban", ""))
    except ValidationError as error:
        violations.append(Violation(f"{FIELD}.iban", f"not a valid IBAN ({error})", "invalid_iban"))
    try:
        stdnum_bic.validate(account.get("bic", ""))
    except ValidationError as error:
        violations.append(Violation(f"{FIELD}.bic", f"not a valid BIC ({error})", "invalid_bic"))
    return violations


def compact_bank_account(account: Mapping[str, str] | None) -> dict[str, str] | None:
    """The account as stored and sent on the feed: upper-case, no spaces (valid input only)."""
    if account is None:
        return None
    return {"iban": stdnum_iban.compact(account["iban"]), "bic": stdnum_bic.compact(account["bic"])}
