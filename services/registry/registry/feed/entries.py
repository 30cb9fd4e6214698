"""What each entity looks like on the change feed: no names, no national ids."""

from __future__ import annotations

from typing import Any

from registry.domain.consent import allowed_purposes, legacy_consent


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def municipality_data(row: Any) -> dict[str, Any]:
    return {"code": row.code, "name": row.name, "country": row.country, "bank_account": row.bank_account}


def organisation_data(row: Any) -> dict[str, Any]:
    return {
        "id": str(row.id),
        "kind": row.kind,
        "municipality": row.municipality,
        "country": row.country,
        "name": row.name,
        "bank_account": row.bank_account,
    }


def partnership_data(row: Any) -> dict[str, Any]:
    return {
        "id": str(row.id),
        "municipality": row.municipality,
        "company_id": str(row.company_id),
        "business_council_id": str(row.business_council_id),
        "provider_id": str(row.provider_id),
        "starts_on": _iso(row.starts_on),
        "ends_on": _iso(row.ends_on),
        "status": row.status,
    }


def opening_data(row: Any) -> dict[str, Any]:
    return {
        "id": str(row.id),
        "municipality": row.municipality,
        "external_ref": row.external_ref,
        "organisation_id": str(row.organisation_id),
        "title": row.title,
        "occupation": row.occupation,
        "skills": row.skills,
        "hours_per_week": {"min": row.hours_min, "max": row.hours_max},
        "seats": row.seats,
        "support_offered": row.support_offered,
        "flexjob": row.flexjob,
        "location": row.location,
        "status": row.status,
        "updated_at": _iso(row.updated_at),
    }


def citizen_data(row: Any) -> dict[str, Any]:
    """Pseudonymised: the features matching and outcomes need, never the name or national id."""
    return {
        "id": str(row.id),
        "municipality": row.municipality,
        "external_ref": row.external_ref,
        "birth_year": row.birth_year,
        "target_group": row.target_group,
        "benefit": row.benefit,
        "work_capacity_hours": row.work_capacity_hours,
        "skills": row.skills,
        "support_needs": row.support_needs,
        "interests": row.interests,
        "location": row.location,
        "consent": legacy_consent(row.consent_purposes, row.consent),
        # The purposes the citizen's data may be used for now: matching drops one without `matching`.
        "purposes": allowed_purposes(row.consent_purposes, row.consent),
        "updated_at": _iso(row.updated_at),
    }


def enrolment_data(row: Any) -> dict[str, Any]:
    return {
        "id": str(row.id),
        "municipality": row.municipality,
        "programme": row.programme,
        "citizen_id": str(row.citizen_id) if row.citizen_id else None,
        "organisation_id": str(row.organisation_id) if row.organisation_id else None,
        "partnership_id": str(row.partnership_id),
        "started_on": _iso(row.started_on),
        "phase": row.phase,
        "milestones": row.milestones,
    }
