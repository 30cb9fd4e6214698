import asyncio
import uuid

import asyncpg
from alembic import command
from alembic.config import Config

from devstack.databases import ALEMBIC_INI, drop_database, prepare
from outcomes.store.tables import metadata
from servicekit.testing import migration_drift


def test_migrations_go_down_and_up_and_match_the_models(postgres_admin_url: str) -> None:
    name = f"outcomes_mig_{uuid.uuid4().hex[:8]}"
    database = prepare("outcomes", postgres_admin_url, name)
    try:
        assert asyncio.run(migration_drift(database.owner_url, metadata)) == []
        config = Config(str(ALEMBIC_INI["outcomes"]))
        config.attributes["owner_url"] = database.owner_url
        command.downgrade(config, "base")
        command.upgrade(config, "head")
        assert asyncio.run(migration_drift(database.owner_url, metadata)) == []
    finally:
        asyncio.run(drop_database(postgres_admin_url, name))


def test_benefits_stored_as_json_null_become_sql_null(postgres_admin_url: str) -> None:
    name = f"outcomes_mig_{uuid.uuid4().hex[:8]}"
    database = prepare("outcomes", postgres_admin_url, name)
    config = Config(str(ALEMBIC_INI["outcomes"]))
    config.attributes["owner_url"] = database.owner_url

    async def run(sql: str) -> list[asyncpg.Record]:
        conn = await asyncpg.connect(database.owner_url)
        try:
            async with conn.transaction():
                await conn.execute("select set_config('app.tenant', '*', true)")
                return list(await conn.fetch(sql))
        finally:
            await conn.close()

    try:
        command.downgrade(config, "0001")
        asyncio.run(
            run(
                "insert into citizens (id, municipality, benefit, benefit_at_enrolment) values "
                "(gen_random_uuid(), 'DK-0336', 'null'::jsonb, 'null'::jsonb), "
                """(gen_random_uuid(), 'DK-0336', '{"monthly_amount": 1}'::jsonb, null)"""
            )
        )
        command.upgrade(config, "head")
        rows = asyncio.run(run("select benefit, benefit_at_enrolment from citizens order by benefit nulls first"))
    finally:
        asyncio.run(drop_database(postgres_admin_url, name))
    assert [(row["benefit"], row["benefit_at_enrolment"]) for row in rows] == [
        (None, None),
        ('{"monthly_amount": 1}', None),
    ]
