"""The gateway's migrations go up and down, and agree with models.py."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from devstack.databases import ServiceDatabase, drop_database, migrate, prepare
from gateway.store.tables import metadata


@pytest.fixture(scope="module")
def scratch_database(postgres_admin_url: str) -> Iterator[ServiceDatabase]:
    database = prepare(
        "gateway", postgres_admin_url, f"gateway_migrations_{uuid.uuid4().hex[:10]}", run_migrations=False
    )
    yield database
    asyncio.run(drop_database(postgres_admin_url, database.name))


def table_names(url: str) -> set[str]:
    async def names() -> set[str]:
        from sqlalchemy.ext.asyncio import create_async_engine

        engine = create_async_engine(url.replace("postgresql://", "postgresql+asyncpg://", 1))
        async with engine.connect() as conn:
            result = await conn.run_sync(lambda c: set(sa.inspect(c).get_table_names()))
        await engine.dispose()
        return result

    return asyncio.run(names())


def model_differences(url: str) -> list[object]:
    async def diff() -> list[object]:
        from sqlalchemy.ext.asyncio import create_async_engine

        engine = create_async_engine(url.replace("postgresql://", "postgresql+asyncpg://", 1))
        async with engine.connect() as conn:
            result = await conn.run_sync(
                lambda c: compare_metadata(MigrationContext.configure(c, opts={"compare_type": True}), metadata)
            )
        await engine.dispose()
        return list(result)

    return asyncio.run(diff())


def test_upgrade_downgrade_upgrade(scratch_database: ServiceDatabase) -> None:
    db = scratch_database
    migrate("gateway", db.owner_url, db.app_role)
    assert "api_clients" in table_names(db.owner_url)
    from alembic import command
    from alembic.config import Config

    from devstack.databases import ALEMBIC_INI

    config = Config(str(ALEMBIC_INI["gateway"]))
    config.attributes["owner_url"] = db.owner_url
    command.downgrade(config, "base")
    assert "api_clients" not in table_names(db.owner_url)
    migrate("gateway", db.owner_url, db.app_role)
    assert model_differences(db.owner_url) == []
