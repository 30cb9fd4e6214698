from __future__ import annotations

import os
from pathlib import Path

import pytest

from devstack.databases import ServiceDatabase
from matching.store import taxonomy as store
from matching.usecases.taxonomy import import_taxonomy_if_absent
from servicekit.db import Database
from taxonomy import load_taxonomy


@pytest.mark.esco
async def test_esco_is_imported_once_into_the_database(matching_database: ServiceDatabase) -> None:
    esco_dir = os.environ.get("ESCO_DIR")
    if not esco_dir:
        pytest.skip(
            "ESCO_DIR is unset: ESCO (EU data) is not in this repository; CI sets ESCO_DIR to the ESCO zips' folder"
        )
    taxonomy = load_taxonomy(Path(esco_dir))
    database = Database(matching_database.app_url)
    try:
        await import_taxonomy_if_absent(database, taxonomy)
        await import_taxonomy_if_absent(database, taxonomy)  # second start-up: already there
        async with database.sessions() as session, session.begin():
            assert await store.taxonomy_imported(session, "esco-v1.1.1")
            assert await store.stored_taxonomy_size(session) == (13_896, 3_007)
    finally:
        await database.dispose()
