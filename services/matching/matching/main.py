"""The matching service: `uvicorn matching.main:create_app --factory`."""

from __future__ import annotations

from pathlib import Path

import httpx
from fastapi import FastAPI

from matching.api import assignments, models, recommendations, skills
from matching.models import metadata
from matching.settings import Settings
from matching.startup import feed_readiness, lifecycle
from servicekit.app import create_service_app
from servicekit.http import TokenSource

ALEMBIC_INI = Path(__file__).resolve().parents[1] / "alembic.ini"


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
        routers=[recommendations.router, assignments.router, models.router, skills.router],
        metadata=metadata,
        alembic_ini=ALEMBIC_INI,
        on_startup=[start],
        on_shutdown=[stop],
        readiness_checks=[feed_readiness],
    )
