"""Who acts on a citizen's data, as the audit log records them."""

from __future__ import annotations

from dataclasses import dataclass

from servicekit.auth import Principal


@dataclass(frozen=True)
class Actor:
    """A client (or the system's own process), its municipality, and the request it acts in."""

    client: str
    municipality: str | None
    system: bool
    request_id: str | None = None

    @classmethod
    def of(cls, principal: Principal, request_id: str | None) -> Actor:
        # A token with the internal scope is one of the system's own services, not a person's client.
        return cls(principal.client_id, principal.tenant, principal.has("internal"), request_id)
