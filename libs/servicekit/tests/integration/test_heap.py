"""A started service collects its young generation less often and leaves start-up objects frozen."""

from __future__ import annotations

import gc

from fastapi import FastAPI

from servicekit.app import create_service_app
from servicekit.heap import YOUNG_GENERATION_THRESHOLD
from servicekit.settings import ServiceSettings
from servicekit.testing import TokenFactory


async def test_startup_settles_the_heap(postgres_admin_url: str) -> None:
    before = gc.get_threshold()
    loaded: list[object] = []

    async def load(app: FastAPI) -> None:
        loaded.append({"taxonomy": [str(n) for n in range(1000)]})

    settings = ServiceSettings(database_url=postgres_admin_url, jwks_json=TokenFactory().jwks_json)
    app = create_service_app(settings=settings, title="Heap", description="Test", routers=[], on_startup=[load])
    try:
        gc.set_threshold(700, *before[1:])
        gc.unfreeze()
        async with app.router.lifespan_context(app):
            assert gc.get_threshold() == (YOUNG_GENERATION_THRESHOLD, *before[1:])
            assert gc.get_freeze_count() > 0
            taxonomy = loaded[0]
            assert not any(o is taxonomy for o in gc.get_objects())  # frozen: no collection scans it
    finally:
        gc.set_threshold(*before)
