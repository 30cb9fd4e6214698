import asyncio
import uuid

import asyncpg
from alembic import command
from alembic.config import Config
from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine

from devstack.databases import ALEMBIC_INI, drop_database, prepare
from outcomes.store.settlements import verify_chain
from outcomes.store.tables import metadata
from servicekit.db import async_url
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


def test_lines_written_before_the_ledger_revision_are_chained_and_verify(postgres_admin_url: str) -> None:
    name = f"outcomes_mig_{uuid.uuid4().hex[:8]}"
    database = prepare("outcomes", postgres_admin_url, name)
    config = Config(str(ALEMBIC_INI["outcomes"]))
    config.attributes["owner_url"] = database.owner_url
    contract, settlement = uuid.uuid4(), uuid.uuid4()

    async def seed() -> None:
        conn = await asyncpg.connect(database.owner_url)
        try:
            async with conn.transaction():
                await conn.execute("select set_config('app.tenant', '*', true)")
                await conn.execute(
                    "insert into rate_cards (id, country, year, currency, document)"
                    " values ('X', 'DK', 2025, 'DKK', '{}')"
                )
                await conn.execute(
                    "insert into contracts (id, municipality, partnership_id, side, payee_id, rate_card_id, terms,"
                    " starts_on, ends_on) values ($1, 'DK-0336', $1, 'citizen_course', $1, 'X', '{}',"
                    " '2024-01-01', '2025-01-01')",
                    contract,
                )
                await conn.execute(
                    "insert into settlements (id, municipality, contract_id, period_from, period_to, total, currency)"
                    " values ($1, 'DK-0336', $2, '2024-01-01', '2024-02-01', 1, 'DKK')",
                    settlement,
                    contract,
                )
                for amount, reason, group in ((500_000, None, "cash_benefit"), (-1, "correction", "å; 3:x")):
                    await conn.execute(
                        "insert into settlement_lines (settlement_id, municipality, contract_id, citizen_id,"
                        " target_group, name, reached_on, kind, entitled, amount, reason, period_from) values"
                        " ($1, 'DK-0336', $2, $3, $4, 'placement_started', '2024-01-15', 'milestone', $5, $5, $6,"
                        " '2024-01-01')",
                        settlement,
                        contract,
                        uuid.uuid4(),
                        group,
                        amount,
                        reason,
                    )
        finally:
            await conn.close()

    async def verify() -> tuple[bool, int]:
        engine = create_async_engine(async_url(database.owner_url))
        try:
            async with engine.connect() as connection:
                session = AsyncSession(bind=connection)
                check, _ = await verify_chain(session, contract)
                return check.ok, check.rows
        finally:
            await engine.dispose()

    try:
        command.downgrade(config, "20261207_approval")
        asyncio.run(seed())
        command.upgrade(config, "head")
        assert asyncio.run(verify()) == (True, 2)
    finally:
        asyncio.run(drop_database(postgres_admin_url, name))
