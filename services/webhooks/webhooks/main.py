"""The webhooks service: `uvicorn webhooks.main:create_app --factory`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
from fastapi import FastAPI, Request

from servicekit.app import create_service_app
from servicekit.feed import feeds_readiness
from webhooks.api import webhooks
from webhooks.clients.receivers import Receivers
from webhooks.clients.sources import source_clients
from webhooks.domain.backoff import RetryPolicy
from webhooks.feed.dispatch import Dispatcher
from webhooks.feed.sources import source_follower
from webhooks.settings import Settings
from webhooks.store.tables import metadata

# The migrations inside the installed package: the source tree's alembic.ini is not in an image.
MIGRATIONS = Path(__file__).resolve().parent / "migrations"
TAGS = [
    {
        "name": "webhooks",
        "description": "Subscriptions per municipality; Standard Webhooks signatures, retries, dead letters, replay",
    }
]


def retry_policy(settings: Settings) -> RetryPolicy:
    return RetryPolicy(
        base_seconds=settings.retry_base_seconds,
        max_seconds=settings.retry_max_seconds,
        max_attempts=settings.max_attempts,
    )


def create_app(
    settings: Settings | None = None,
    *,
    source_transport: httpx.AsyncBaseTransport | None = None,
) -> FastAPI:
    """The app; `source_transport` lets tests serve the feeds without a network."""
    settings = settings or Settings()

    async def start(app: FastAPI) -> None:
        app.state.receivers = Receivers(
            timeout=settings.delivery_timeout_seconds, max_connections=settings.dispatch_concurrency
        )
        app.state.receivers.start()
        app.state.dispatcher = Dispatcher(
            app.state.database,
            app.state.receivers,
            retry_policy(settings),
            batch_size=settings.dispatch_batch_size,
            concurrency=settings.dispatch_concurrency,
            idle_seconds=settings.dispatch_idle_seconds,
        )
        app.state.source_clients = source_clients(settings, source_transport)
        app.state.feeds = {
            name: source_follower(name, app.state.database, client, settings)
            for name, client in app.state.source_clients.items()
        }
        for feed in app.state.feeds.values():
            feed.start()
        if settings.dispatch_enabled:
            app.state.dispatcher.start()

    async def shutdown(app: FastAPI) -> None:
        await app.state.dispatcher.stop()
        for feed in app.state.feeds.values():
            await feed.stop()
        for client in app.state.source_clients.values():
            await client.aclose()
        await app.state.receivers.aclose()

    async def dispatcher_report(request: Request) -> dict[str, Any]:
        return {"dispatch_error": request.app.state.dispatcher.last_error}

    return create_service_app(
        settings=settings,
        title="Brobygger webhooks",
        description=(
            "Webhook subscriptions per municipality for citizen enrolments, milestones, approved statements and "
            "ranking runs: Standard Webhooks signatures, retries with backoff, a dead-letter list, replay."
        ),
        routers=[webhooks.router],
        metadata=metadata,
        alembic_ini=MIGRATIONS,
        on_startup=[start],
        on_shutdown=[shutdown],
        # Reported, not awaited: deliveries go out while the followers catch up.
        readiness_checks=[feeds_readiness(), dispatcher_report],
        openapi_tags=TAGS,
    )
