from __future__ import annotations

import asyncpg
import httpx
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import create_async_engine

from devstack.databases import ServiceDatabase
from servicekit.db import async_url

from ..factories import citizen

TENANT_TABLES = ("organisations", "partnerships", "openings", "citizens", "enrolments", "audit_events", "outbox")


async def _stevns_citizen(client: httpx.AsyncClient, stevns: dict[str, str]) -> str:
    created = await client.post("/v1/citizens", json=citizen(), headers=stevns)
    assert created.status_code == 201
    await client.get(f"/v1/citizens/{created.json()['id']}", headers=stevns)  # an audit row too
    return str(created.json()["id"])


async def test_query_without_tenant_filter_cannot_see_another_municipality(
    client: httpx.AsyncClient, stevns: dict[str, str], registry_database: ServiceDatabase
) -> None:
    citizen_id = await _stevns_citizen(client, stevns)
    conn = await asyncpg.connect(registry_database.app_url)
    try:
        async with conn.transaction():
            await conn.execute("select set_config('app.tenant', 'DK-0849', true)")
            # The "forgotten filter": no municipality condition at all.
            assert await conn.fetchval("select count(*) from citizens where id = $1", citizen_id) == 0
            assert await conn.fetchval("select count(*) from citizens where municipality = 'DK-0336'") == 0
            assert await conn.fetchval("select count(*) from audit_events where municipality = 'DK-0336'") == 0
            assert await conn.fetchval("update citizens set name = 'x' where id = $1 returning id", citizen_id) is None
        async with conn.transaction():
            await conn.execute("select set_config('app.tenant', 'DK-0336', true)")
            assert await conn.fetchval("select count(*) from citizens where id = $1", citizen_id) == 1
        # Outside any transaction that set it, the tenant is unset and every tenant table is empty.
        for table in TENANT_TABLES:
            assert await conn.fetchval(f"select count(*) from {table}") == 0, table
    finally:
        await conn.close()


async def test_app_role_cannot_insert_rows_for_another_tenant(registry_database: ServiceDatabase) -> None:
    conn = await asyncpg.connect(registry_database.app_url)
    try:
        async with conn.transaction():
            await conn.execute("select set_config('app.tenant', 'DK-0849', true)")
            try:
                await conn.execute(
                    "insert into audit_events (municipality, citizen_id, actor, action)"
                    " values ('DK-0336', gen_random_uuid(), 'x', 'read')"
                )
            except asyncpg.InsufficientPrivilegeError:
                pass
            else:
                raise AssertionError("row-level security let a row for another tenant in")
    finally:
        await conn.close()


async def test_app_role_neither_owns_tables_nor_bypasses_rls(registry_database: ServiceDatabase) -> None:
    conn = await asyncpg.connect(registry_database.owner_url)
    try:
        role = await conn.fetchrow(
            "select rolsuper, rolbypassrls from pg_roles where rolname = $1", registry_database.app_role
        )
        assert (role["rolsuper"], role["rolbypassrls"]) == (False, False)
        rows = await conn.fetch(
            "select relname, relrowsecurity, relforcerowsecurity, pg_get_userbyid(relowner) as owner"
            " from pg_class where relname = any($1)",
            list(TENANT_TABLES),
        )
        assert {r["relname"] for r in rows} == set(TENANT_TABLES)
        assert all(r["relrowsecurity"] for r in rows)
        assert all(r["relforcerowsecurity"] for r in rows)
        assert all(r["owner"] != registry_database.app_role for r in rows)
    finally:
        await conn.close()


async def test_tenant_does_not_leak_across_pooled_connections(
    client: httpx.AsyncClient, stevns: dict[str, str], registry_database: ServiceDatabase
) -> None:
    citizen_id = await _stevns_citizen(client, stevns)
    engine = create_async_engine(async_url(registry_database.app_url), pool_size=1, max_overflow=0)
    query = sa.text("select count(*) from citizens where id = :id")
    try:
        async with engine.begin() as conn:
            backend = await conn.scalar(sa.text("select pg_backend_pid()"))
            await conn.execute(sa.text("select set_config('app.tenant', 'DK-0336', true)"))
            assert await conn.scalar(query, {"id": citizen_id}) == 1
        async with engine.begin() as conn:  # the same pooled connection, the next transaction
            assert await conn.scalar(sa.text("select pg_backend_pid()")) == backend
            assert await conn.scalar(sa.text("select current_setting('app.tenant', true)")) in ("", None)
            assert await conn.scalar(query, {"id": citizen_id}) == 0
    finally:
        await engine.dispose()
