"""Organisations: request body → validated row values, and row → response."""

from __future__ import annotations

from typing import Any

from registry.domain.asf import asf_violations
from registry.domain.bank_accounts import bank_account_violations, compact_bank_account
from registry.domain.registration_number import InvalidRegistrationNumber, normalise_registration_number
from registry.domain.violations import Violation
from registry.schemas.organisations import OrganisationCreate, OrganisationRead
from servicekit.municipalities import country_of

# Companies and social enterprises are identified by their registration number (CVR, orgnr).
NEEDS_REGISTRATION = frozenset({"company", "social_enterprise"})


def prepare_organisation(body: OrganisationCreate, *, municipality: str) -> tuple[dict[str, Any], list[Violation]]:
    country = country_of(municipality)
    violations: list[Violation] = []
    number = body.registration_number
    if number is None and body.kind in NEEDS_REGISTRATION:
        violations.append(
            Violation("registration_number", f"a {body.kind.replace('_', ' ')} has a registration number", "missing")
        )
    elif number is not None:
        try:
            number = normalise_registration_number(number, country=country)
        except InvalidRegistrationNumber as exc:
            violations.append(Violation("registration_number", str(exc), "invalid_registration_number"))
    criteria = body.asf_criteria.model_dump() if body.asf_criteria else None
    violations += asf_violations(body.kind, criteria)
    account = body.bank_account.model_dump() if body.bank_account else None
    account_violations = bank_account_violations(account)
    violations += account_violations
    values = {
        "municipality": municipality,
        "country": country,
        "kind": body.kind,
        "name": body.name,
        "registration_number": number,
        "asf_criteria": criteria,
        "bank_account": None if account_violations else compact_bank_account(account),
    }
    return values, violations


def as_create(row: Any) -> dict[str, Any]:
    """A stored organisation as a create body, so an update is checked by exactly the create rules."""
    return {name: getattr(row, name) for name in OrganisationCreate.model_fields}


def organisation_read(row: Any) -> OrganisationRead:
    return OrganisationRead.model_validate(row, from_attributes=True)
