"""The access token the gateway issues (its claims: docs/api.md, "Authentication")."""

from __future__ import annotations

import time
from dataclasses import dataclass

from servicekit.claims import access_claims

from .signing import SigningKeys


@dataclass(frozen=True)
class IssuedToken:
    access_token: str
    expires_in: int
    scope: str


def issue_token(
    keys: SigningKeys,
    *,
    client_id: str,
    tenant: str,
    scopes: list[str],
    issuer: str,
    audience: str,
    ttl_seconds: int,
    now: float | None = None,
) -> IssuedToken:
    issued_at = int(now if now is not None else time.time())
    claims = access_claims(
        client_id, tenant, scopes, issuer=issuer, audience=audience, issued_at=issued_at, ttl_seconds=ttl_seconds
    )
    return IssuedToken(keys.sign(claims), ttl_seconds, str(claims["scope"]))
