"""Async SQLAlchemy engine and the per-request transaction, with the tenant set per transaction."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Request
from pydantic_core import from_json, to_json
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

from .auth import CurrentPrincipal
from .state import state_dependency

TENANT_SETTING = "app.tenant"


def _json_text(value: object) -> str:
    return to_json(value).decode()


def async_url(url: str) -> str:
    """Accept plain `postgresql://` URLs (as DATABASE_URL usually is) and use asyncpg."""
    for prefix in ("postgresql+asyncpg://", "postgresql+psycopg://", "postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+asyncpg://" + url[len(prefix) :]
    return url


class Database:
    """One engine per process, created in the app's lifespan and disposed at shutdown."""

    def __init__(self, url: str, *, pool_size: int = 20, pool_timeout: float = 10.0) -> None:
        self.engine: AsyncEngine = create_async_engine(
            async_url(url),
            pool_size=pool_size,
            # Connections opened beyond the pool are closed when returned: under a burst each costs
            # a connect, an SSL probe and authentication (milliseconds of CPU when CPU is scarcest).
            # A small overflow only absorbs a request that briefly needs a second connection.
            max_overflow=max(2, pool_size // 4),
            pool_timeout=pool_timeout,
            pool_pre_ping=True,
            pool_recycle=1800,
            # JSONB columns (the change feed's data, rule payloads) through pydantic-core, several
            # times faster than the json module; it also writes UUIDs and dates without help.
            json_deserializer=from_json,
            json_serializer=_json_text,
        )
        self.sessions = async_sessionmaker(self.engine, expire_on_commit=False, autoflush=False)

    def driver_url(self) -> str:
        """This database's URL as asyncpg takes it, for a connection of its own outside the pool
        (a LISTEN, which must stay connected)."""
        return self.engine.url.set(drivername="postgresql").render_as_string(hide_password=False)

    async def dispose(self) -> None:
        await self.engine.dispose()

    async def ping(self) -> None:
        async with self.engine.connect() as conn:
            await conn.execute(text("select 1"))


async def set_tenant(session: AsyncSession, tenant: str) -> None:
    """Scope row-level security to `tenant` for this transaction only (SET LOCAL semantics)."""
    await session.execute(text("select set_config(:name, :tenant, true)"), {"name": TENANT_SETTING, "tenant": tenant})


async def tenant_session(request: Request, principal: CurrentPrincipal) -> AsyncIterator[AsyncSession]:
    """The request's transaction: commits when the endpoint returns, rolls back if it raises."""
    database: Database = request.app.state.database
    async with database.sessions() as session, session.begin():
        await set_tenant(session, principal.tenant)
        yield session


async def system_session(request: Request) -> AsyncIterator[AsyncSession]:
    """A transaction with no tenant (RLS shows nothing tenant-scoped): for token and health paths."""
    database: Database = request.app.state.database
    async with database.sessions() as session, session.begin():
        yield session


SessionDep = Annotated[AsyncSession, Depends(tenant_session, scope="function")]
SystemSessionDep = Annotated[AsyncSession, Depends(system_session, scope="function")]
# The app's database itself, for an endpoint that opens its own transactions (a long poll, a token).
DatabaseDep = Annotated[Database, Depends(state_dependency("database"))]
