"""Personal data in matching (issue 17): who served or decided, the decision vocabulary, the
access-log entries matching reports to the registry, and consent to the `matching` purpose."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

SERVICE = "matching"
DECISIONS = ("accepted", "rejected", "contacted", "hired", "proposed")
Decision = Literal["accepted", "rejected", "contacted", "hired", "proposed"]
# Decisions that label a (citizen, opening) pair for training: a caseworker's rejection is a
# negative, a hire a positive (placements' three-month outcomes stay the stronger label).
TRAINING_LABELS: Mapping[str, bool] = {"rejected": False, "hired": True}
AccessWhat = Literal["read", "export", "recommendation", "decision", "feed"]


@dataclass(frozen=True)
class Actor:
    """Who served a list or recorded a decision: the API client, its municipality, the request."""

    client: str
    municipality: str | None
    request_id: str | None


def matching_allowed(data: Mapping[str, Any]) -> bool:
    """Consent to the `matching` purpose in a registry citizen payload: the `purposes` in force,
    falling back to the older `consent.matching` for feeds written before purposes existed."""
    purposes = data.get("purposes")
    if isinstance(purposes, list):
        return "matching" in purposes
    consent = data.get("consent") or {}
    return bool(consent.get("matching", False))


def access_entry(
    citizen_id: str, what: AccessWhat, at: datetime, *, actor: Actor | None = None, purpose: str | None = None
) -> dict[str, Any]:
    """One entry of the registry's access log (`POST /internal/v1/access-log`); no actor: the
    service's own process (`system: true`)."""
    entry: dict[str, Any] = {
        "citizen_id": citizen_id,
        "service": SERVICE,
        "client": actor.client if actor else SERVICE,
        "system": actor is None,
        "what": what,
        "occurred_at": at.isoformat(),
    }
    if actor is not None and actor.municipality:
        entry["client_municipality"] = actor.municipality
    if actor is not None and actor.request_id:
        entry["request_id"] = actor.request_id
    if purpose:
        entry["purpose"] = purpose
    return entry
