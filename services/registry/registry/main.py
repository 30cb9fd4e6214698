"""The registry service: `uvicorn registry.main:create_app --factory`."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from registry.api import changes, municipalities
from registry.models import metadata
from registry.settings import Settings
from servicekit.app import create_service_app

ALEMBIC_INI = Path(__file__).resolve().parents[1] / "alembic.ini"


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    return create_service_app(
        settings=settings,
        title="Brobygger registry",
        description="Municipalities, organisations, partnerships, job openings, citizens and enrolments.",
        routers=[municipalities.router, changes.router],
        metadata=metadata,
        alembic_ini=ALEMBIC_INI,
    )
