"""The outcomes service: `uvicorn outcomes.main:create_app --factory`."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import httpx
from fastapi import FastAPI

from outcomes import repository as repo
from outcomes.api import (
    contracts,
    evaluations,
    outcome_events,
    placement_outcomes,
    rate_cards,
    settlements,
    simulations,
)
from outcomes.models import metadata
from outcomes.projection import CitizenProjectionFeed
from outcomes.settings import Settings
from servicekit.app import create_service_app
from servicekit.db import Database
from servicekit.feed import FeedConsumer
from servicekit.http import ClientCredentialsToken, ServiceClient

ALEMBIC_INI = Path(__file__).resolve().parents[1] / "alembic.ini"
TAGS = [
    {"name": "outcome-events", "description": "Facts after enrolment; the client's id makes every write idempotent"},
    {"name": "rate-cards", "description": "Benefit rates, refusion staircase, discount rate, with public sources"},
    {"name": "contracts", "description": "Two-sided Payment-by-Results contracts"},
    {"name": "settlements", "description": "Statements on an immutable ledger; CSV export"},
    {"name": "simulations", "description": "Monte Carlo of a cohort and the Social Impact Bond view"},
    {"name": "evaluations", "description": "Was it an economic gain for the municipality? With a chart"},
    {"name": "internal", "description": "Placement outcomes for matching"},
]


def _read_rate_cards(folder: Path) -> list[dict[str, Any]]:
    return [json.loads(path.read_text(encoding="utf-8")) for path in sorted(folder.glob("*.json"))]


async def load_rate_cards(database: Database, folder: Path) -> None:
    """Load (or refresh) the rate cards shipped in data/rate_cards."""
    documents = await asyncio.to_thread(_read_rate_cards, folder)
    async with database.sessions() as session, session.begin():
        for document in documents:
            await repo.upsert_rate_card(session, document)


def create_app(
    settings: Settings | None = None, *, registry_transport: httpx.AsyncBaseTransport | None = None
) -> FastAPI:
    """The app; `registry_transport` lets tests serve the registry feed without a network."""
    settings = settings or Settings()

    async def start(app: FastAPI) -> None:
        await load_rate_cards(app.state.database, settings.rate_cards_dir)
        app.state.feed = None
        if settings.registry_url:
            token = None
            if settings.token_url and settings.service_client_id and settings.service_client_secret:
                token = ClientCredentialsToken(
                    settings.token_url, settings.service_client_id, settings.service_client_secret.get_secret_value()
                )
            app.state.registry_client = ServiceClient(settings.registry_url, token=token, transport=registry_transport)
            projection = CitizenProjectionFeed(app.state.database)
            app.state.feed = FeedConsumer(
                client=app.state.registry_client,
                load_cursor=projection.load_cursor,
                apply_page=projection.apply_page,
                name="registry",
                page_size=settings.feed_batch_size,
                idle_seconds=settings.feed_poll_seconds,
            )
            app.state.feed.start()

    async def shutdown(app: FastAPI) -> None:
        if app.state.feed is not None:
            await app.state.feed.stop()
            await app.state.registry_client.aclose()

    return create_service_app(
        settings=settings,
        title="Brobygger outcomes",
        description=(
            "Outcome events, rate cards, savings after state refusion, two-sided Payment by Results, "
            "settlements, simulation and evaluation."
        ),
        routers=[
            outcome_events.batch_router,
            outcome_events.router,
            rate_cards.router,
            contracts.router,
            settlements.router,
            simulations.router,
            evaluations.router,
            placement_outcomes.router,
        ],
        metadata=metadata,
        alembic_ini=ALEMBIC_INI,
        on_startup=[start],
        on_shutdown=[shutdown],
        openapi_tags=TAGS,
    )
