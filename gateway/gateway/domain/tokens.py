"""The access token the gateway issues (claims contract in docs/api.md, "Tokens")."""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass

from .signing import SigningKeys

ISSUER_DEFAULT = "brobygger"


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
    scope = " ".join(scopes)
    claims = {
        "iss": issuer,
        "aud": audience,
        "sub": client_id,
        "tenant": tenant,
        "scope": scope,
        "iat": issued_at,
        "exp": issued_at + ttl_seconds,
        "jti": uuid.uuid4().hex,
    }
    return IssuedToken(keys.sign(claims), ttl_seconds, scope)
