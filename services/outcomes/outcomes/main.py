"""The outcomes service: `uvicorn outcomes.main:create_app --factory`."""

from __future__ import annotations

from pathlib import Path

import httpx
from fastapi import FastAPI

from outcomes.api import (
    contracts,
    evaluations,
    exports,
    ledger,
    outcome_events,
    placement_outcomes,
    programme_costs,
    rate_cards,
    refusion_statements,
    settlements,
    simulations,
)
from outcomes.clients.national_ids import RegistryNationalIds
from outcomes.clients.registry import registry_client
from outcomes.feed.projection import registry_follower
from outcomes.settings import Settings
from outcomes.store.tables import access_outbox, events, feed_cursors, metadata
from outcomes.usecases.rate_cards import load_rate_cards
from servicekit.access_outbox import AccessLogShipper
from servicekit.app import create_service_app
from servicekit.events import events_router
from servicekit.feed import feeds_readiness
from servicekit.feed_cursor import feed_position_router

# The migrations inside the installed package: the source tree's alembic.ini is not in an image.
MIGRATIONS = Path(__file__).resolve().parent / "migrations"
TAGS = [
    {"name": "outcome-events", "description": "Facts after enrolment; the client's id makes every write idempotent"},
    {"name": "rate-cards", "description": "Benefit rates, refusion staircase, discount rate, with public sources"},
    {"name": "contracts", "description": "Two-sided Payment-by-Results contracts"},
    {
        "name": "settlements",
        "description": "Statements approved by a second client, on an insert-only ledger; CSV, pain.001",
    },
    {"name": "ledger", "description": "The hash chain an auditor recomputes"},
    {"name": "simulations", "description": "Monte Carlo of a cohort and the Social Impact Bond view"},
    {"name": "evaluations", "description": "Was it an economic gain for the municipality? With a chart"},
    {"name": "programme-costs", "description": "Recorded programme costs by payer; corrections supersede"},
    {"name": "refusion-statements", "description": "The state's refusion statement, imported and reconciled"},
    {"name": "internal", "description": "Placement outcomes for matching"},
]


def create_app(
    settings: Settings | None = None, *, registry_transport: httpx.AsyncBaseTransport | None = None
) -> FastAPI:
    """The app; `registry_transport` lets tests serve the registry feed without a network."""
    settings = settings or Settings()

    async def start(app: FastAPI) -> None:
        await load_rate_cards(app.state.database, settings.rate_cards_dir)
        app.state.feed = None
        app.state.feeds = {}
        if settings.registry_url:
            app.state.registry_client = registry_client(settings, registry_transport)
            app.state.national_id_resolver = RegistryNationalIds(app.state.registry_client)
            app.state.feed = registry_follower(app.state.database, app.state.registry_client, settings)
            app.state.feeds = {"registry": app.state.feed}
            app.state.feed.start()
            app.state.access_log = AccessLogShipper.configured(
                app.state.database, access_outbox, app.state.registry_client, settings, service="outcomes"
            )
            if settings.access_log_enabled:
                app.state.access_log.start()

    async def shutdown(app: FastAPI) -> None:
        if app.state.feed is not None:
            await app.state.feed.stop()
            await app.state.access_log.stop()
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
            ledger.router,
            simulations.router,
            evaluations.router,
            programme_costs.router,
            refusion_statements.router,
            placement_outcomes.router,
            exports.router,
            feed_position_router(feed_cursors),
            events_router(events),  # the events feed the webhooks service follows
        ],
        metadata=metadata,
        alembic_ini=MIGRATIONS,
        on_startup=[start],
        on_shutdown=[shutdown],
        openapi_tags=TAGS,
        readiness_checks=[feeds_readiness(settings.feed_max_lag)],
    )
