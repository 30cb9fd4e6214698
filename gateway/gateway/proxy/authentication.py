"""Bearer-token checks on the proxy path.

Verified tokens are remembered until they expire by servicekit's `JwksVerifier` itself (one token
cache for the gateway and every service): a client sends the same token for many requests, and
verifying an EdDSA signature costs more than the rest of the hop together.
"""

from __future__ import annotations

from servicekit.auth import INVALID_TOKEN, JwksVerifier, Principal
from servicekit.domain_errors import Unauthenticated


class BearerAuthenticator:
    """Reads `Authorization: Bearer <token>` from raw ASGI headers and verifies the token."""

    def __init__(self, verifier: JwksVerifier) -> None:
        self.verifier = verifier

    async def principal(self, authorization: bytes | None) -> Principal:
        if authorization is None:
            raise Unauthenticated(INVALID_TOKEN)
        scheme, _, raw = authorization.decode("latin-1").partition(" ")
        token = raw.strip()
        if scheme.lower() != "bearer" or not token:
            raise Unauthenticated(INVALID_TOKEN)
        return await self.verifier.verify(token)
