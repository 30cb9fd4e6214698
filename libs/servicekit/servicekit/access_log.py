"""Entries of the registry's access log (issue 17): who read a citizen's personal data, when and what.

Plain Python (a `domain/` may build entries): the outbox that carries them to the registry is
`servicekit.access_outbox`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

AccessWhat = Literal["read", "export", "recommendation", "decision", "feed"]


@dataclass(frozen=True)
class Actor:
    """Who read: the API client, its municipality, the request."""

    client: str
    municipality: str | None
    request_id: str | None


def access_entry(
    service: str,
    citizen_id: str,
    what: AccessWhat,
    at: datetime,
    *,
    actor: Actor | None = None,
    purpose: str | None = None,
) -> dict[str, Any]:
    """One entry of the registry's access log (`POST /internal/v1/access-log`); no actor: the service's own
    process (`system: true`, the service's name as client)."""
    entry: dict[str, Any] = {
        "citizen_id": citizen_id,
        "service": service,
        "client": actor.client if actor else service,
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
