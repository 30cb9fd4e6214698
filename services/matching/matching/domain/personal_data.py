"""Personal data in matching (issue 17): who served or decided, the decision vocabulary, the
access-log entries matching reports to the registry, and consent to the `matching` purpose."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any, Literal

from servicekit.access_log import AccessWhat as AccessWhat
from servicekit.access_log import Actor as Actor
from servicekit.access_log import access_entry as shared_entry

SERVICE = "matching"
DECISIONS = ("accepted", "rejected", "contacted", "hired", "proposed")
Decision = Literal["accepted", "rejected", "contacted", "hired", "proposed"]
# Decisions that label a (citizen, opening) pair for training: a caseworker's rejection is a
# negative, a hire a positive (placements' three-month outcomes stay the stronger label).
TRAINING_LABELS: Mapping[str, bool] = {"rejected": False, "hired": True}


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
    """One entry of the registry's access log from matching (servicekit.access_log)."""
    return shared_entry(SERVICE, citizen_id, what, at, actor=actor, purpose=purpose)
