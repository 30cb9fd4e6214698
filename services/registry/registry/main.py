"""The registry service: `uvicorn registry.main:create_app --factory`."""

from __future__ import annotations

import asyncio
from pathlib import Path

from fastapi import FastAPI

from registry.api import (
    audit_events,
    changes,
    citizens,
    enrolments,
    municipalities,
    openings,
    organisations,
    partnerships,
)
from registry.settings import Settings
from registry.store.tables import metadata
from servicekit.app import create_service_app
from taxonomy import load_taxonomy

ALEMBIC_INI = Path(__file__).resolve().parents[1] / "alembic.ini"
TAGS = [
    {"name": "municipalities", "description": "The tenants"},
    {
        "name": "organisations",
        "description": "Companies (CVR / orgnr), social enterprises (ASF criteria), business councils, providers",
    },
    {
        "name": "partnerships",
        "description": "Growth partnerships: municipality + business council + company + provider",
    },
    {"name": "openings", "description": "Job openings; `openings:batch` upserts up to 1,000"},
    {
        "name": "citizens",
        "description": "Citizens; national ids write-only; every read audited; `citizens:batch` upserts up to 1,000",
    },
    {"name": "enrolments", "description": "Citizen course and company accelerator enrolments with milestones"},
    {"name": "audit", "description": "Who read a citizen's data, when and why"},
    {"name": "internal", "description": "The change feed for matching and outcomes"},
]


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    vault = settings.national_id_vault()  # refuses to start with missing or weak keys

    async def load_reference_data(app: FastAPI) -> None:
        app.state.taxonomy = await asyncio.to_thread(load_taxonomy, settings.esco_dir)

    app: FastAPI = create_service_app(
        settings=settings,
        title="Brobygger registry",
        description="Municipalities, organisations, partnerships, job openings, citizens and enrolments.",
        routers=[
            municipalities.router,
            organisations.router,
            partnerships.router,
            openings.router,
            citizens.router,
            enrolments.router,
            audit_events.router,
            changes.router,
        ],
        metadata=metadata,
        alembic_ini=ALEMBIC_INI,
        on_startup=[load_reference_data],
        openapi_tags=TAGS,
    )
    app.state.national_id_vault = vault
    return app
