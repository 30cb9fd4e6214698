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
from matching.clients.registry_feed import RegistryFeed
from matching.domain.skill_space import SkillSpace
from matching.engine import Engine
from matching.feed_consumer import FeedConsumer
from matching.settings import Settings
from servicekit.db import Database, set_tenant
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
        app.state.feed = FeedConsumer(
            database,
            RegistryFeed(app.state.registry_client),
            page_size=settings.feed_page_size,
            poll_seconds=settings.feed_poll_seconds,
        )
        app.state.feed_task = asyncio.create_task(app.state.feed.run()) if settings.feed_enabled else None

    async def stop(app: FastAPI) -> None:
        task: asyncio.Task[None] | None = getattr(app.state, "feed_task", None)
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        for name in ("registry_client", "outcomes_client"):
            client: ServiceClient | None = getattr(app.state, name, None)
            if client is not None:
                await client.aclose()

    return start, stop


async def feed_readiness(request: Request) -> dict[str, Any]:
    """Feed lag (changes the registry has that we have not applied), from the stored cursor."""
    settings: Settings = request.app.state.settings
    database: Database = request.app.state.database
    async with database.sessions() as session, session.begin():
        await set_tenant(session, "*")
        cursor = await repo.read_cursor(session)
    applied, head = (int(cursor.applied_seq), int(cursor.head)) if cursor else (0, 0)
    feed = getattr(request.app.state, "feed", None)
    lag = max(0, head - applied)
    return {
        "feed": {
            "position": applied,
            "head": head,
            "lag": lag,
            "last_error": feed.status.last_error if feed else None,
        },
        "ready": lag <= settings.feed_max_lag,
    }
