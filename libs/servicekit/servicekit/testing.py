"""Test helpers shared by the services: a signing key that mints tokens the services accept, an app
started as uvicorn starts it and a client that calls it in-process."""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager

import httpx
import jwt
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from fastapi import FastAPI

from .claims import AUDIENCE, ISSUER, access_claims


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
        claims = access_claims(
            client_id,
            tenant,
            scopes,
            issuer=issuer,
            audience=audience,
            issued_at=int(time.time()),
            ttl_seconds=expires_in,
        )
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


async def tables_containing(owner_url: str, needles: Iterable[str]) -> dict[str, list[str]]:
    """Every table of a database (as its owner, every tenant) with a column whose value, cast to text, holds one
    of the needles as a whole token: {table: [needles found]}. Every column named by information_schema is read,
    so a new table or column cannot hide a value (an erasure test's search). A token is delimited by anything but
    letters, digits and '-', so a birth year is found in `"birth_year": 1937` but not inside a UUID or a hash."""
    import re

    import asyncpg

    wanted = [(needle, re.compile(rf"(?<![0-9A-Za-z-]){re.escape(needle)}(?![0-9A-Za-z-])")) for needle in needles]
    conn = await asyncpg.connect(owner_url)
    found: dict[str, list[str]] = {}
    try:
        await conn.execute("SELECT set_config('app.tenant', '*', false)")
        columns = await conn.fetch(
            "SELECT table_name, column_name FROM information_schema.columns c JOIN information_schema.tables t "
            "USING (table_schema, table_name) WHERE table_schema = 'public' AND t.table_type = 'BASE TABLE' "
            "ORDER BY table_name, ordinal_position"
        )
        by_table: dict[str, list[str]] = {}
        for row in columns:
            by_table.setdefault(row["table_name"], []).append(row["column_name"])
        for table, names in by_table.items():
            cells = ", ".join(f'"{name}"::text' for name in names)
            for row in await conn.fetch(f'SELECT {cells} FROM "{table}"'):
                text = " ".join(value for value in row.values() if value is not None)
                hits = [needle for needle, token in wanted if needle not in found.get(table, []) and token.search(text)]
                if hits:
                    found.setdefault(table, []).extend(hits)
    finally:
        await conn.close()
    return found


@asynccontextmanager
async def started(app: FastAPI) -> AsyncIterator[FastAPI]:
    """The app with its lifespan run around the block (start-up on enter, shut-down on exit), as
    uvicorn runs it."""
    async with app.router.lifespan_context(app):
        yield app


@asynccontextmanager
async def asgi_client(app: FastAPI, base_url: str) -> AsyncIterator[httpx.AsyncClient]:
    """A client that calls `app` in-process (no socket)."""
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=base_url) as http:
        yield http
