"""The bootstrap admin client (GATEWAY_ADMIN_CLIENT_ID/_SECRET), upserted at start-up."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from servicekit.municipalities import NATIONAL

from ..domain.passwords import hash_secret, verify_secret
from ..store import api_clients as repository

BOOTSTRAP_NAME = "bootstrap admin"


async def ensure_admin_client(session: AsyncSession, *, client_id: str, secret: str) -> None:
    """Creates or restores the admin client; rehashes only when the secret changed."""
    stored = await repository.secret_hash_of(session, client_id)
    secret_hash = stored if stored is not None and await verify_secret(stored, secret) else await hash_secret(secret)
    await repository.upsert_bootstrap_client(
        session,
        client_id=client_id,
        name=BOOTSTRAP_NAME,
        tenant=NATIONAL,
        scopes=["admin"],
        secret_hash=secret_hash,
    )
