"""Start-up and shutdown: taxonomy (imported into the database if absent), clients, feed consumer."""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

import httpx
import sqlalchemy as sa
import structlog
from fastapi import FastAPI, Request

from matching import repository as repo
from matching.clients.outcomes import OutcomesClient
from matching.domain.skill_space import SkillSpace
from matching.engine import Engine
from matching.feed_consumer import FeatureStoreFeed
from matching.settings import Settings
from servicekit.db import Database
from servicekit.feed import FeedConsumer
from servicekit.http import ClientCredentialsToken, ServiceClient, TokenSource
from taxonomy import Taxonomy, load_taxonomy

log = structlog.get_logger("matching.startup")


def token_source(settings: Settings) -> TokenSource | None:
    if settings.token_url and settings.service_client_id and settings.service_client_secret:
        return ClientCredentialsToken(
            settings.token_url, settings.service_client_id, settings.service_client_secret.get_secret_value()
        )
    return None


def build_engine(settings: Settings) -> Engine:
    taxonomy = load_taxonomy(settings.esco_dir)
    return Engine(taxonomy=taxonomy, space=SkillSpace(taxonomy))


async def import_taxonomy_if_absent(database: Database, taxonomy: Taxonomy) -> None:
    async with database.sessions() as session, session.begin():
        await session.execute(sa.text("select pg_advisory_xact_lock(hashtext('matching.taxonomy_import'))"))
        if await repo.taxonomy_imported(session, taxonomy.source):
            return
        await repo.import_taxonomy(session, taxonomy)
        log.info("taxonomy imported", source=taxonomy.source, skills=len(taxonomy.skills))


class CatalogueWarmer:
    """Builds opening catalogues in the background (see CatalogueCache.warm); one task at a time."""

    def __init__(self, engine: Engine, database: Database) -> None:
        self.engine = engine
        self.database = database
        self._task: asyncio.Task[None] | None = None
        self._pending: set[str] | None = set()  # None: every municipality

    def schedule(self, municipalities: set[str] | None) -> None:
        if municipalities is None or self._pending is None:
            self._pending = None
        else:
            self._pending |= municipalities
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._run(), name="catalogue-warmer")

    async def _run(self) -> None:
        while self._pending is None or self._pending:
            wanted, self._pending = self._pending, set()
            try:
                await self.engine.catalogues.warm(self.database, wanted)
            except Exception:  # a request builds what warming could not; keep the service up
                log.exception("catalogue_warm_failed")
                return

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task


def lifecycle(
    settings: Settings,
    *,
    token: TokenSource | None = None,
    registry_transport: httpx.AsyncBaseTransport | None = None,
    outcomes_transport: httpx.AsyncBaseTransport | None = None,
) -> tuple[Any, Any]:
    """The on_startup and on_shutdown hooks for create_service_app."""

    async def start(app: FastAPI) -> None:
        engine = await asyncio.to_thread(build_engine, settings)
        app.state.engine = engine
        database: Database = app.state.database
        await import_taxonomy_if_absent(database, engine.taxonomy)
        auth = token or token_source(settings)
        app.state.registry_client = ServiceClient(settings.registry_url, token=auth, transport=registry_transport)
        app.state.outcomes_client = ServiceClient(settings.outcomes_url, token=auth, transport=outcomes_transport)
        app.state.outcomes = OutcomesClient(app.state.outcomes_client)
        warmer = CatalogueWarmer(engine, database)
        app.state.catalogue_warmer = warmer
        app.state.feature_store_feed = store = FeatureStoreFeed(database, on_catalogue_change=warmer.schedule)
        app.state.feed = FeedConsumer(
            client=app.state.registry_client,
            load_cursor=store.load_cursor,
            apply_page=store.apply_page,
            name="registry",
            page_size=settings.feed_page_size,
            idle_seconds=settings.feed_poll_seconds,
        )
        if settings.feed_enabled:
            app.state.feed.start()
            warmer.schedule(None)

    async def stop(app: FastAPI) -> None:
        feed: FeedConsumer | None = getattr(app.state, "feed", None)
        if feed is not None:
            await feed.stop()
        warmer: CatalogueWarmer | None = getattr(app.state, "catalogue_warmer", None)
        if warmer is not None:
            await warmer.stop()
        for name in ("registry_client", "outcomes_client"):
            client: ServiceClient | None = getattr(app.state, name, None)
            if client is not None:
                await client.aclose()

    return start, stop


async def feed_readiness(request: Request) -> dict[str, Any]:
    """Feed lag (changes the registry has that we have not applied): the stored cursor against the
    head the consumer last saw (the stored one if this replica has not polled yet)."""
    settings: Settings = request.app.state.settings
    store: FeatureStoreFeed = request.app.state.feature_store_feed
    feed: FeedConsumer = request.app.state.feed
    applied, stored_head = await store.applied_position()
    head = max(stored_head, feed.head)
    lag = max(0, head - applied)
    return {
        "feed": {"position": applied, "head": head, "lag": lag, "last_error": feed.last_error},
        "ready": lag <= settings.feed_max_lag,
    }
