from __future__ import annotations

from devstack.databases import ServiceDatabase
from matching.store.tables import metadata
from servicekit.testing import migration_drift


async def test_migrations_match_the_models(matching_database: ServiceDatabase) -> None:
    assert await migration_drift(matching_database.owner_url, metadata) == []
