"""Citizens: request body → validated row values (national id sealed), and row → response."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from registry.domain.citizen_rules import citizen_violations
from registry.domain.codes import CodeBook
from registry.domain.consent import legacy_consent
from registry.domain.content_hash import content_hash
from registry.domain.national_id import InvalidNationalId, NationalId, parse_national_id
from registry.domain.national_id_vault import NationalIdVault
from registry.domain.violations import Violation
from registry.schemas.citizens import CitizenCreate, CitizenRead
from registry.usecases.validation import Prepared, validate_as
from servicekit.municipalities import country_of

STORED_FIELDS = (
    "name",
    "birth_year",
    "target_group",
    "benefit",
    "work_capacity_hours",
    "skills",
    "support_needs",
    "interests",
    "location",
    "consent",
)


@dataclass
class PreparedCitizen(Prepared):
    """Row values ready to store (the national id pseudonymised, not yet encrypted), or the violations."""

    national_id: NationalId | None = None
    pseudonym: bytes | None = None

    def seal(self, vault: NationalIdVault) -> None:
        """Add the national id's pseudonym and AES-GCM copy to the row values.

        Only for a national id that is new or changed: a bulk sync mostly resends ids the registry
        holds already, and encrypting each again costs a nonce and an AES-GCM pass per item.
        """
        if self.national_id is None:
            return
        ciphertext, key_id = vault.encrypt(self.national_id, municipality=self.values["municipality"])
        self.values.update(
            national_id_pseudonym=self.pseudonym, national_id_ciphertext=ciphertext, national_id_key_id=key_id
        )


def prepare_citizen(
    body: CitizenCreate, *, municipality: str, book: CodeBook, vault: NationalIdVault, now: dt.datetime
) -> PreparedCitizen:
    """Validate `body` against every citizen rule and pseudonymise its national id (`seal` encrypts it)."""
    violations: list[Violation] = []
    national_id: NationalId | None = None
    country = country_of(municipality)
    if body.national_id is not None:
        try:
            national_id = parse_national_id(body.national_id.get_secret_value(), country=country, today=now.date())
        except InvalidNationalId as exc:
            violations.append(Violation("national_id", str(exc), "invalid_national_id"))
    stored = body.model_dump(mode="json", include=set(STORED_FIELDS))
    if stored["birth_year"] is None and national_id is not None:
        stored["birth_year"] = national_id.birth_date.year
    violations += citizen_violations(
        book=book,
        country=country,
        now=now,
        birth_year=body.birth_year,
        national_id_birth_year=national_id.birth_date.year if national_id else None,
        benefit_currency=body.benefit.currency if body.benefit else None,
        benefit_since=body.benefit.since if body.benefit else None,
        consent_given_at=body.consent.given_at if body.consent else None,
        skills=[s.code for s in body.skills],
        support_needs=[s.code for s in body.support_needs],
        interests=body.interests,
    )
    values: dict[str, Any] = {**stored, "municipality": municipality, "external_ref": body.external_ref}
    values["content_hash"] = content_hash(stored)
    if national_id is None or violations:
        return PreparedCitizen(values, violations)
    return PreparedCitizen(values, violations, national_id, vault.pseudonym(national_id))


def as_create(row: Any) -> dict[str, Any]:
    """A stored citizen as a create body, so an update is checked by exactly the create rules."""
    body = {name: getattr(row, name) for name in STORED_FIELDS}
    return {**body, "municipality": row.municipality, "external_ref": row.external_ref}


def rehashed(row: Any, changes: dict[str, Any]) -> str:
    """The content hash of a stored citizen with `changes`: what a batch sending it so would compute."""
    body = validate_as(CitizenCreate, {**as_create(row), **changes})
    return content_hash(body.model_dump(mode="json", include=set(STORED_FIELDS)))


def citizen_read(row: Any) -> CitizenRead:
    return CitizenRead(
        id=row.id,
        municipality=row.municipality,
        external_ref=row.external_ref,
        has_national_id=row.national_id_pseudonym is not None,
        name=row.name,
        birth_year=row.birth_year,
        target_group=row.target_group,
        benefit=row.benefit,
        work_capacity_hours=row.work_capacity_hours,
        skills=row.skills,
        support_needs=row.support_needs,
        interests=row.interests,
        location=row.location,
        consent=legacy_consent(row.consent_purposes, row.consent),
        created_at=row.created_at,
        updated_at=row.updated_at,
    )
