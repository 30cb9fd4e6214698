import asyncio
import uuid

from alembic import command
from alembic.config import Config

from devstack.databases import ALEMBIC_INI, drop_database, prepare
from servicekit.testing import migration_drift
from webhooks.store.tables import metadata


def test_migrations_go_down_and_up_and_match_the_models(postgres_admin_url: str) -> None:
    name = f"webhooks_mig_{uuid.uuid4().hex[:8]}"
    database = prepare("webhooks", postgres_admin_url, name)
    try:
        assert asyncio.run(migration_drift(database.owner_url, metadata)) == []
        config = Config(str(ALEMBIC_INI["webhooks"]))
        config.attributes["owner_url"] = database.owner_url
        command.downgrade(config, "base")
        command.upgrade(config, "head")
        assert asyncio.run(migration_drift(database.owner_url, metadata)) == []
    finally:
        asyncio.run(drop_database(postgres_admin_url, name))
