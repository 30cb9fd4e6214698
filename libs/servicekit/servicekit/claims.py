"""The access token's claims: what the gateway signs and every service's `JwksVerifier` reads
(docs/api.md, "Authentication"). Plain Python, so the gateway's domain can build them."""

from __future__ import annotations

import uuid
from collections.abc import Iterable

ISSUER = "brobygger"
AUDIENCE = "brobygger-api"


def access_claims(
    client_id: str, tenant: str, scopes: Iterable[str], *, issuer: str, audience: str, issued_at: int, ttl_seconds: int
) -> dict[str, str | int]:
    """The claims of a token for `client_id` in `tenant` ('*': national), valid `ttl_seconds`;
    scopes space-separated (RFC 8693 `scope`), a fresh `jti`."""
    return {
        "iss": issuer,
        "aud": audience,
        "sub": client_id,
        "tenant": tenant,
        "scope": " ".join(scopes),
        "iat": issued_at,
        "exp": issued_at + ttl_seconds,
        "jti": uuid.uuid4().hex,
    }
