"""Openings: request body → validated row values, and row → response."""

from __future__ import annotations

from typing import Any

from registry.domain.ad_openings import unmapped_of
from registry.domain.codes import CodeBook
from registry.domain.content_hash import content_hash
from registry.domain.opening_rules import opening_violations
from registry.schemas.openings import OpeningCreate, OpeningRead
from registry.usecases.validation import Prepared, validate_as

STORED_FIELDS = (
    "organisation_id",
    "title",
    "occupation",
    "skills",
    "seats",
    "support_offered",
    "flexjob",
    "location",
    "status",
)


def _stored(body: OpeningCreate) -> dict[str, Any]:
    stored = body.model_dump(mode="json", include=set(STORED_FIELDS))
    stored.update(hours_min=body.hours_per_week.min, hours_max=body.hours_per_week.max)
    return stored


def prepare_opening(body: OpeningCreate, *, municipality: str, book: CodeBook) -> Prepared:
    """Validate `body` against every opening rule (the organisation is checked by the caller)."""
    violations = opening_violations(
        book=book,
        occupation=body.occupation,
        skills=[s.code for s in body.skills],
        hours_min=body.hours_per_week.min,
        hours_max=body.hours_per_week.max,
        support_offered=body.support_offered,
    )
    stored = _stored(body)
    values = {
        **stored,
        "municipality": municipality,
        "external_ref": body.external_ref,
        "content_hash": content_hash(stored),
    }
    return Prepared(values, violations)


def as_create(row: Any) -> dict[str, Any]:
    body = {name: getattr(row, name) for name in STORED_FIELDS}
    body["organisation_id"] = str(row.organisation_id)
    return {
        **body,
        "municipality": row.municipality,
        "external_ref": row.external_ref,
        "hours_per_week": {"min": row.hours_min, "max": row.hours_max},
    }


def rehashed(row: Any, changes: dict[str, Any]) -> str:
    """The content hash of a stored opening with `changes`: what a batch sending it so would compute."""
    return content_hash(_stored(validate_as(OpeningCreate, {**as_create(row), **changes})))


def opening_read(row: Any) -> OpeningRead:
    """The response for a stored opening (imported ones carry their source concepts)."""
    return OpeningRead.model_validate(
        {
            **row._mapping,
            "hours_per_week": {"min": row.hours_min, "max": row.hours_max},
            "unmapped": unmapped_of(row.source_concepts),
        }
    )
