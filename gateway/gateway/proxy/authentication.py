"""Bearer-token checks on the proxy path, with verified tokens cached until they expire.

Verifying an EdDSA signature costs more than the rest of the hop together; a client sends the
same token for many requests, so a verified token is remembered (by its full text) until `exp`.
"""

from __future__ import annotations

import time

import jwt

from servicekit.auth import INVALID_TOKEN, JwksVerifier, Principal
from servicekit.domain_errors import Unauthenticated

CACHE_LIMIT = 10_000


class CachedVerifier:
    def __init__(self, verifier: JwksVerifier) -> None:
        self.verifier = verifier
        self._cache: dict[str, tuple[Principal, float]] = {}

    async def principal(self, authorization: bytes | None) -> Principal:
        if authorization is None:
            raise Unauthenticated(INVALID_TOKEN)
        scheme, _, raw = authorization.decode("latin-1").partition(" ")
        token = raw.strip()
        if scheme.lower() != "bearer" or not token:
            raise Unauthenticated(INVALID_TOKEN)
        cached = self._cache.get(token)
        now = time.time()
        if cached is not None and cached[1] > now:
            return cached[0]
        principal = await self.verifier.verify(token)
        expires_at = float(jwt.decode(token, options={"verify_signature": False})["exp"])
        self._remember(token, principal, expires_at, now)
        return principal

    def _remember(self, token: str, principal: Principal, expires_at: float, now: float) -> None:
        if len(self._cache) >= CACHE_LIMIT:
            self._cache = {t: entry for t, entry in self._cache.items() if entry[1] > now}
            if len(self._cache) >= CACHE_LIMIT:
                self._cache.clear()
        self._cache[token] = (principal, expires_at)
