"""Create a service's database and roles, migrate it with alembic, and build its URLs."""

from __future__ import annotations

import asyncio
import contextlib
import os
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import asyncpg
from alembic import command
from alembic.config import Config

ROOT = Path(os.environ.get("BROBYGGER_ROOT") or Path(__file__).resolve().parents[3])
ALEMBIC_INI = {
    "gateway": ROOT / "gateway" / "alembic.ini",
    "registry": ROOT / "services" / "registry" / "alembic.ini",
    "matching": ROOT / "services" / "matching" / "alembic.ini",
    "outcomes": ROOT / "services" / "outcomes" / "alembic.ini",
    "webhooks": ROOT / "services" / "webhooks" / "alembic.ini",
}
APP_PASSWORD = "brobygger-local-app"  # local/test only; deployments take it from a Secret


def with_database(url: str, database: str, *, user: str | None = None, password: str | None = None) -> str:
    parts = urlsplit(url)
    netloc = parts.netloc
    if user is not None:
        host = netloc.rsplit("@", 1)[-1]
        netloc = f"{user}:{password}@{host}" if password else f"{user}@{host}"
    return urlunsplit((parts.scheme, netloc, "/" + database, parts.query, parts.fragment))


@dataclass(frozen=True)
class ServiceDatabase:
    service: str
    name: str
    owner_url: str
    app_url: str
    app_role: str


async def _ensure_database(admin_url: str, name: str, app_role: str) -> None:
    conn = await asyncpg.connect(admin_url)
    try:
        if not await conn.fetchval("select 1 from pg_roles where rolname = $1", app_role):
            # The application role neither owns tables nor bypasses row-level security.
            attributes = "login nosuperuser nobypassrls nocreatedb nocreaterole"
            with contextlib.suppress(asyncpg.DuplicateObjectError):  # created concurrently by another run
                await conn.execute(f"create role \"{app_role}\" {attributes} password '{APP_PASSWORD}'")
        if not await conn.fetchval("select 1 from pg_database where datname = $1", name):
            await conn.execute(f'create database "{name}"')
        await conn.execute(f'grant connect on database "{name}" to "{app_role}"')
    finally:
        await conn.close()


def migrate(service: str, owner_url: str, app_role: str, revision: str = "head") -> None:
    config = Config(str(ALEMBIC_INI[service]))
    config.attributes["owner_url"] = owner_url
    config.attributes["app_role"] = app_role
    command.upgrade(config, revision)


def prepare(service: str, admin_url: str, name: str, *, run_migrations: bool = True) -> ServiceDatabase:
    """Create (if needed) and migrate the database `name` for `service`."""
    app_role = f"{service}_app"
    asyncio.run(_ensure_database(admin_url, name, app_role))
    owner_url = with_database(admin_url, name)
    db = ServiceDatabase(
        service, name, owner_url, with_database(admin_url, name, user=app_role, password=APP_PASSWORD), app_role
    )
    if run_migrations:
        migrate(service, owner_url, app_role)
    return db


async def drop_database(admin_url: str, name: str) -> None:
    conn = await asyncpg.connect(admin_url)
    try:
        await conn.execute(f'drop database if exists "{name}" with (force)')
    finally:
        await conn.close()
