"""Issuing an access token for a client that proved its secret (OAuth2 client credentials)."""

from __future__ import annotations

from servicekit.db import Database
from servicekit.domain_errors import InvalidTokenRequest, Unauthenticated

from ..domain.passwords import verify_secret
from ..domain.scopes import InvalidScope, narrow_scopes
from ..domain.signing import SigningKeys
from ..domain.tokens import IssuedToken, issue_token
from ..settings import Settings
from ..store import api_clients as store

# Deliberately the same for an unknown client, a wrong secret and a revoked client.
INVALID_CLIENT = "Client authentication failed."


def invalid_client() -> Unauthenticated:
    return Unauthenticated(INVALID_CLIENT, error="invalid_client")


async def _stored_credentials(database: Database, client_id: str) -> store.ClientCredentials | None:
    """A short transaction of its own: the connection goes back to the pool before the argon2
    check, which takes a quarter of a second."""
    async with database.sessions() as session, session.begin():
        return await store.active_credentials(session, client_id)


async def issue_for_client(
    database: Database,
    keys: SigningKeys,
    settings: Settings,
    *,
    client_id: str,
    secret: str,
    requested_scope: str | None,
) -> IssuedToken | None:
    """The token, or None when the client failed to authenticate (the caller counts failures)."""
    credentials = await _stored_credentials(database, client_id)
    if not await verify_secret(credentials.secret_hash if credentials else None, secret) or credentials is None:
        return None
    try:
        scopes = narrow_scopes(requested_scope, credentials.scopes)
    except InvalidScope as exc:
        raise InvalidTokenRequest(str(exc), error="invalid_scope") from exc
    return issue_token(
        keys,
        client_id=credentials.client_id,
        tenant=credentials.tenant,
        scopes=scopes,
        issuer=settings.jwt_issuer,
        audience=settings.jwt_audience,
        ttl_seconds=settings.token_ttl_seconds,
    )
