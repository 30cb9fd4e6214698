from __future__ import annotations

import asyncpg

from devstack.databases import ServiceDatabase
from matching.store.tables import metadata
from servicekit.testing import migration_drift


async def test_migrations_match_the_models(matching_database: ServiceDatabase) -> None:
    assert await migration_drift(matching_database.owner_url, metadata) == []


async def test_served_lists_are_compressed_with_lz4_where_the_server_has_it(
    matching_database: ServiceDatabase,
) -> None:
    connection = await asyncpg.connect(matching_database.owner_url)
    try:
        has_lz4 = await connection.fetchval(
            "SELECT 'lz4' = ANY(enumvals) FROM pg_settings WHERE name = 'default_toast_compression'"
        )
        lz4 = await connection.fetchval(
            "SELECT attcompression = 'l' FROM pg_attribute WHERE attrelid = 'recommendation_logs'::regclass "
            "AND attname = 'items'"
        )
    finally:
        await connection.close()
    assert lz4 is has_lz4
