"""What every service's alembic `env.py` does: migrate as the owner, then grant the app role."""

from __future__ import annotations

import asyncio
import os

import sqlalchemy as sa
from alembic import context
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine

from .db import async_url

APP_ROLE_ENV = "BROBYGGER_APP_ROLE"


def _owner_url() -> str:
    url = (
        context.config.attributes.get("owner_url")
        or context.get_x_argument(as_dictionary=True).get("url")
        or os.environ.get("MIGRATION_DATABASE_URL")
    )
    if not url:
        raise RuntimeError("Set MIGRATION_DATABASE_URL (the table owner's connection) or pass -x url=…")
    return async_url(url)


INSERT_ONLY = "insert_only"  # a table's `info` key: the app role may add rows, never change or remove them


def insert_only_tables(metadata: sa.MetaData) -> list[str]:
    """Tables declared `info={"insert_only": True}` (a ledger, an audit log)."""
    return sorted(table.name for table in metadata.tables.values() if table.info.get(INSERT_ONLY))


def grant_app_role(connection: Connection, role: str, *, insert_only: list[str] | None = None) -> None:
    """The app role may read and write rows, never own tables or bypass row-level security; on
    insert-only tables it may only read and add."""
    exists = connection.execute(sa.text("select 1 from pg_roles where rolname = :r"), {"r": role}).scalar()
    if not exists:
        return
    quoted = connection.dialect.identifier_preparer.quote(role)
    connection.execute(sa.text(f"grant usage on schema public to {quoted}"))
    connection.execute(sa.text(f"grant select, insert, update, delete on all tables in schema public to {quoted}"))
    connection.execute(sa.text(f"grant usage, select on all sequences in schema public to {quoted}"))
    connection.execute(sa.text(f"revoke all on table alembic_version from {quoted}"))
    connection.execute(sa.text(f"grant select on table alembic_version to {quoted}"))
    for name in insert_only or []:
        table = connection.dialect.identifier_preparer.quote(name)
        connection.execute(sa.text(f"revoke update, delete, truncate on table {table} from {quoted}"))


def run_migrations(target_metadata: sa.MetaData) -> None:
    """Entry point for env.py (online mode only: every deployment has a database to talk to)."""
    url = _owner_url()
    app_role = (
        context.config.attributes.get("app_role")
        or context.get_x_argument(as_dictionary=True).get("app_role")
        or os.environ.get(APP_ROLE_ENV)
    )

    def do_run(connection: Connection) -> None:
        context.configure(connection=connection, target_metadata=target_metadata, compare_type=True)
        with context.begin_transaction():
            context.run_migrations()
            if app_role:
                grant_app_role(connection, app_role, insert_only=insert_only_tables(target_metadata))

    async def run_async() -> None:
        engine = create_async_engine(url, poolclass=sa.pool.NullPool)
        async with engine.connect() as connection:
            await connection.run_sync(do_run)
            await connection.commit()
        await engine.dispose()

    connectable = context.config.attributes.get("connection")
    if connectable is not None:
        do_run(connectable)
    else:
        asyncio.run(run_async())
