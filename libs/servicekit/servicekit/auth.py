"""Bearer-token verification against the gateway's JWKS, and the scope and tenant checks."""

from __future__ import annotations

import asyncio
import json
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any

import httpx
import jwt
from fastapi import Depends, Request

from .errors import Forbidden, NotFound, Unauthenticated
from .municipalities import NATIONAL

ALGORITHMS = ["EdDSA", "RS256"]
INVALID_TOKEN = "The bearer token is missing, expired or invalid."


@dataclass(frozen=True)
class Principal:
    """Who is calling: an API client, its municipality (or '*' for national roles) and scopes."""

    client_id: str
    tenant: str
    scopes: frozenset[str]
    token_id: str = ""

    @property
    def is_national(self) -> bool:
        return self.tenant == NATIONAL

    def has(self, scope: str) -> bool:
        return scope in self.scopes or "admin" in self.scopes

    def can_see(self, municipality: str | None) -> bool:
        return self.is_national or municipality == self.tenant

    def require_visible(self, municipality: str | None, what: str = "Resource") -> None:
        """Another tenant's row answers exactly as a row that does not exist."""
        if not self.can_see(municipality):
            raise NotFound(f"{what} not found.")

    def municipality_for_write(self, requested: str | None) -> str:
        """The municipality a new row belongs to: the token's own, or the requested one for '*'."""
        if not self.is_national:
            if requested not in (None, self.tenant):
                raise Forbidden("A client may only write to its own municipality.")
            return self.tenant
        if not requested:
            from .errors import FieldError, ValidationFailed

            raise ValidationFailed(
                "A national client must name the municipality.",
                errors=[FieldError("municipality", "required for clients with tenant '*'", "missing")],
            )
        return requested


VERIFIED_TOKENS_KEPT = 4096


class JwksVerifier:
    """Verifies JWTs with keys from a JWKS document, fetched lazily and cached.

    An unknown `kid` triggers one refetch (rate-limited) so a rolled-in key works at once.
    """

    def __init__(
        self,
        *,
        issuer: str,
        audience: str,
        jwks_url: str | None = None,
        jwks_json: str | None = None,
        cache_seconds: float = 300.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        if not jwks_url and not jwks_json:
            raise ValueError("JwksVerifier needs a jwks_url or a jwks_json document")
        self.issuer = issuer
        self.audience = audience
        self.jwks_url = jwks_url
        self.cache_seconds = cache_seconds
        self.clock = clock  # wall-clock seconds, compared with the tokens' `exp`
        self._keys: dict[str, Any] = {}
        self._fetched_at = 0.0
        self._refreshing = asyncio.Lock()
        # A client sends the same token for its whole lifetime: verify its signature once, then
        # serve the principal until the token's own `exp` (≈ 0.9 ms of Ed25519 per request saved).
        self._verified: OrderedDict[str, tuple[Principal, float]] = OrderedDict()
        if jwks_json:
            self._load(json.loads(jwks_json))
            self._fetched_at = float("inf")

    def _load(self, document: dict[str, Any]) -> None:
        keys = {}
        for jwk in document.get("keys", []):
            keys[jwk["kid"]] = jwt.PyJWK(jwk).key
        self._keys = keys

    def _fresh(self, *, force: bool) -> bool:
        age = time.monotonic() - self._fetched_at
        # A forced refetch (unknown kid) still waits 5 s: a stream of bad kids must not hammer the gateway.
        return age < (5.0 if force else self.cache_seconds)

    async def _refresh(self, *, force: bool = False) -> None:
        if self.jwks_url is None or self._fresh(force=force):
            return
        # One fetch at a time: the requests that found the keys stale together (every new token at
        # start-up, or all traffic when the cache expires) wait for it instead of each fetching.
        async with self._refreshing:
            if self._fresh(force=force):
                return
            async with httpx.AsyncClient(timeout=5.0) as client:
                response = await client.get(self.jwks_url)
                response.raise_for_status()
                self._load(response.json())
            self._fetched_at = time.monotonic()

    async def verify(self, token: str) -> Principal:
        cached = self._verified.get(token)
        if cached is not None:
            principal, expires_at = cached
            if self.clock() < expires_at:
                self._verified.move_to_end(token)
                return principal
            del self._verified[token]
        principal, expires_at = await self._verify_signed(token)
        self._verified[token] = (principal, expires_at)
        if len(self._verified) > VERIFIED_TOKENS_KEPT:
            self._verified.popitem(last=False)
        return principal

    async def _verify_signed(self, token: str) -> tuple[Principal, float]:
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError as exc:
            raise Unauthenticated(INVALID_TOKEN) from exc
        kid = header.get("kid")
        if header.get("alg") not in ALGORITHMS or not isinstance(kid, str):
            raise Unauthenticated(INVALID_TOKEN)
        try:
            await self._refresh()
            if kid not in self._keys:
                await self._refresh(force=True)
        except httpx.HTTPError as exc:
            if kid not in self._keys:
                raise Unauthenticated(INVALID_TOKEN) from exc
        key = self._keys.get(kid)
        if key is None:
            raise Unauthenticated(INVALID_TOKEN)
        try:
            claims = jwt.decode(
                token,
                key,
                algorithms=ALGORITHMS,
                audience=self.audience,
                issuer=self.issuer,
                # Expiry is checked below against self.clock, the same clock the cache uses.
                options={"require": ["exp", "iat", "sub", "iss", "aud"], "verify_exp": False},
            )
            expires_at = float(claims["exp"])
        except (jwt.PyJWTError, TypeError, ValueError) as exc:
            raise Unauthenticated(INVALID_TOKEN) from exc
        if expires_at <= self.clock():
            raise Unauthenticated(INVALID_TOKEN)
        tenant = claims.get("tenant")
        if not isinstance(tenant, str) or not tenant:
            raise Unauthenticated(INVALID_TOKEN)
        principal = Principal(
            client_id=str(claims["sub"]),
            tenant=tenant,
            scopes=frozenset(str(claims.get("scope", "")).split()),
            token_id=str(claims.get("jti", "")),
        )
        return principal, expires_at


def bearer_token(request: Request) -> str:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthenticated(INVALID_TOKEN)
    return token.strip()


async def current_principal(request: Request) -> Principal:
    verifier: JwksVerifier = request.app.state.verifier
    principal = await verifier.verify(bearer_token(request))
    request.state.principal = principal
    return principal


CurrentPrincipal = Annotated[Principal, Depends(current_principal)]


def require_scope(*scopes: str) -> Any:
    """A dependency that admits a principal holding any of `scopes` (admin holds all)."""

    async def check(principal: CurrentPrincipal) -> Principal:
        if not any(principal.has(s) for s in scopes):
            raise Forbidden(f"This operation needs scope {' or '.join(scopes)}.")
        return principal

    check.required_scopes = scopes  # type: ignore[attr-defined]  # read by servicekit.openapi
    return Depends(check)
