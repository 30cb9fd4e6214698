"""The taxonomy in the database: imported at start-up when that source is absent."""

from __future__ import annotations

import structlog

from matching.store import taxonomy as store
from servicekit.db import Database
from taxonomy import Taxonomy

log = structlog.get_logger("matching.taxonomy")


async def import_taxonomy_if_absent(database: Database, taxonomy: Taxonomy) -> None:
    async with database.sessions() as session, session.begin():
        await store.lock_taxonomy_import(session)
        if await store.taxonomy_imported(session, taxonomy.source):
            return
        await store.import_taxonomy(session, taxonomy)
        log.info("taxonomy imported", source=taxonomy.source, skills=len(taxonomy.skills))
