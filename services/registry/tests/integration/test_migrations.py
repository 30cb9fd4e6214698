from __future__ import annotations

from devstack.databases import ServiceDatabase
from registry.store.tables import metadata
from servicekit.testing import migration_drift


async def test_models_and_migrations_agree(registry_database: ServiceDatabase) -> None:
    assert await migration_drift(registry_database.owner_url, metadata) == []
