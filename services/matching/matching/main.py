"""The matching service: `uvicorn matching.main:create_app --factory`.

Start-up: parse the taxonomy and build the engine, import the taxonomy if that source is absent,
open the clients of the registry and outcomes, follow the registry's change feed into the feature
store and warm the opening catalogues it changes."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import httpx
from fastapi import FastAPI

from matching.api import (
    assignments,
    decisions,
    exports,
    models,
    ranking_runs,
    recommendation_logs,
    recommendations,
    skills,
)
from matching.clients.outcomes import OutcomesClient
from matching.feed.feature_store import FOLLOWED_ENTITIES, feature_store_follower
from matching.settings import Settings
from matching.store.tables import access_outbox, events, feed_cursors, metadata
from matching.usecases.catalogues import CatalogueWarmer
from matching.usecases.engine import build_engine
from matching.usecases.taxonomy import import_taxonomy_if_absent
from servicekit.access_outbox import AccessLogShipper
from servicekit.app import create_service_app
from servicekit.db import Database
from servicekit.events import events_router
from servicekit.feed import FeedConsumer, feeds_readiness
from servicekit.feed_cursor import feed_position_router
from servicekit.http import ServiceClient, TokenSource

# The migrations inside the installed package: the source tree's alembic.ini is not in an image.
MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def create_app(
    settings: Settings | None = None,
    *,
    token: TokenSource | None = None,
    registry_transport: httpx.AsyncBaseTransport | None = None,
    outcomes_transport: httpx.AsyncBaseTransport | None = None,
) -> FastAPI:
    settings = settings or Settings()
    start, stop = lifecycle(
        settings, token=token, registry_transport=registry_transport, outcomes_transport=outcomes_transport
    )
    return create_service_app(
        settings=settings,
        title="Brobygger matching",
        description="Explainable citizen-job recommendations, seat assignment and models trained on outcomes.",
        routers=[
            recommendations.router,
            recommendation_logs.router,
            decisions.router,
            assignments.router,
            models.router,
            skills.router,
            ranking_runs.router,
            exports.router,
            feed_position_router(feed_cursors),
            events_router(events),  # the events feed the webhooks service follows
        ],
        metadata=metadata,
        alembic_ini=MIGRATIONS,
        on_startup=[start],
        on_shutdown=[stop],
        readiness_checks=[feeds_readiness(settings.feed_max_lag)],
    )


def lifecycle(
    settings: Settings,
    *,
    token: TokenSource | None = None,
    registry_transport: httpx.AsyncBaseTransport | None = None,
    outcomes_transport: httpx.AsyncBaseTransport | None = None,
) -> tuple[Any, Any]:
    """The on_startup and on_shutdown hooks for create_service_app."""

    async def start(app: FastAPI) -> None:
        engine = await asyncio.to_thread(build_engine, settings.esco_dir)
        app.state.engine = engine
        database: Database = app.state.database
        await import_taxonomy_if_absent(database, engine.taxonomy)
        auth = token or settings.service_token()
        app.state.registry_client = ServiceClient(settings.registry_url, token=auth, transport=registry_transport)
        app.state.outcomes_client = ServiceClient(settings.outcomes_url, token=auth, transport=outcomes_transport)
        app.state.outcomes = OutcomesClient(app.state.outcomes_client)
        warmer = CatalogueWarmer(engine.catalogues, database)
        app.state.catalogue_warmer = warmer
        app.state.feature_store_feed = store = feature_store_follower(database, on_catalogue_change=warmer.schedule)
        app.state.feed = FeedConsumer.paced(
            settings,
            client=app.state.registry_client,
            follower=store,
            name="registry",
            query={"entity": FOLLOWED_ENTITIES},  # no organisations or municipalities: matching needs none
        )
        # Reported and awaited by /readyz even when the service does not run the loop itself
        # (feed_enabled=False: tests step it).
        app.state.feeds = {"registry": app.state.feed}
        app.state.access_log = AccessLogShipper.configured(
            database, access_outbox, app.state.registry_client, settings, service="matching"
        )
        if settings.feed_enabled:
            app.state.feed.start()
            warmer.schedule(None)
        if settings.access_log_enabled:
            app.state.access_log.start()

    async def stop(app: FastAPI) -> None:
        feed: FeedConsumer | None = getattr(app.state, "feed", None)
        if feed is not None:
            await feed.stop()
        shipper: AccessLogShipper | None = getattr(app.state, "access_log", None)
        if shipper is not None:
            await shipper.stop()
        warmer: CatalogueWarmer | None = getattr(app.state, "catalogue_warmer", None)
        if warmer is not None:
            await warmer.stop()
        for name in ("registry_client", "outcomes_client"):
            client: ServiceClient | None = getattr(app.state, name, None)
            if client is not None:
                await client.aclose()

    return start, stop
