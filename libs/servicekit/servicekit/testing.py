"""Test helpers shared by the services: a signing key that mints tokens the services accept."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterable

import jwt
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

ISSUER = "brobygger"
AUDIENCE = "brobygger-api"


class TokenFactory:
    """An Ed25519 key, its JWKS document, and tokens for any client, tenant and scopes."""

    def __init__(self, kid: str = "test-key") -> None:
        self.kid = kid
        self.private_key = Ed25519PrivateKey.generate()

    @property
    def jwks_json(self) -> str:
        jwk = json.loads(jwt.algorithms.OKPAlgorithm.to_jwk(self.private_key.public_key()))
        jwk.update({"kid": self.kid, "use": "sig", "alg": "EdDSA"})
        return json.dumps({"keys": [jwk]})

    def token(
        self,
        *,
        tenant: str = "DK-0336",
        scopes: Iterable[str] = ("admin",),
        client_id: str = "test-client",
        expires_in: int = 300,
        audience: str = AUDIENCE,
        issuer: str = ISSUER,
    ) -> str:
        now = int(time.time())
        claims = {
            "iss": issuer,
            "aud": audience,
            "sub": client_id,
            "tenant": tenant,
            "scope": " ".join(scopes),
            "iat": now,
            "exp": now + expires_in,
            "jti": uuid.uuid4().hex,
        }
        return jwt.encode(claims, self.private_key, algorithm="EdDSA", headers={"kid": self.kid})

    def headers(self, **kwargs: object) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token(**kwargs)}"}  # type: ignore[arg-type]


async def migration_drift(owner_url: str, metadata: object) -> list[object]:
    """Differences between a migrated database and the models (alembic autogenerate); [] = agree."""
    import sqlalchemy as sa
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from sqlalchemy.ext.asyncio import create_async_engine

    from .db import async_url

    engine = create_async_engine(async_url(owner_url), poolclass=sa.pool.NullPool)

    def compare(connection: sa.Connection) -> list[object]:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return list(compare_metadata(context, metadata))  # type: ignore[arg-type]

    try:
        async with engine.connect() as conn:
            return await conn.run_sync(compare)
    finally:
        await engine.dispose()
