"""The registry service: `uvicorn registry.main:create_app --factory`."""

from __future__ import annotations

import asyncio
import zipfile
from pathlib import Path

import httpx
from fastapi import FastAPI

from registry.api import (
    access_log,
    audit_events,
    changes,
    citizens,
    consents,
    enrolments,
    municipalities,
    national_ids,
    opening_imports,
    openings,
    organisations,
    partnerships,
)
from registry.clients.followers import Followers, follower_clients
from registry.domain.occupation_map import OccupationMap, build_occupation_map
from registry.settings import Settings
from registry.store.outbox import CHANGES_CHANNEL
from registry.store.tables import metadata
from servicekit.app import create_service_app
from servicekit.notifications import ChannelListener
from taxonomy import Taxonomy, load_taxonomy
from taxonomy.esco import CLASSIFICATION_ZIP, find_zip, read_csv
from taxonomy.starter import STARTER_DIR, read_rows

# The migrations inside the installed package: the source tree's alembic.ini is not in an image.
MIGRATIONS = Path(__file__).resolve().parent / "migrations"
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
    {"name": "audit", "description": "Who read or changed a citizen's data, when and why; the citizen's access log"},
    {"name": "internal", "description": "The change feed for matching and outcomes"},
]


def occupation_map(esco_dir: Path | None, book: Taxonomy) -> OccupationMap:
    """ISCO-08 unit group → taxonomy occupation, from ESCO's occupations_en.csv in `esco_dir` (read, never copied)."""
    labels = {code: o.label for code, o in book.occupations.items()}
    if esco_dir is None:
        return OccupationMap(source="none", labels=labels)
    if book.source.startswith("esco"):
        programme = {code: code for _, code in book.programme}
    else:  # the starter vocabulary names its occupations by their own codes, each with its ESCO URI
        programme = {
            row["esco_uri"]: row["code"] for row in read_rows(STARTER_DIR / "occupations.csv") if row["esco_uri"]
        }
    path = find_zip(esco_dir, CLASSIFICATION_ZIP)
    with zipfile.ZipFile(path) as archive:
        rows = list(read_csv(archive, "occupations_en.csv"))
    return build_occupation_map(rows, book=book, programme=programme, source=path.name, labels=labels)


def create_app(
    settings: Settings | None = None, *, follower_transports: dict[str, httpx.AsyncBaseTransport] | None = None
) -> FastAPI:
    """The app; `follower_transports` ({"matching": …, "outcomes": …}) lets tests serve the followers."""
    settings = settings or Settings()
    vault = settings.national_id_vault()  # refuses to start with missing or weak keys

    async def load_reference_data(app: FastAPI) -> None:
        app.state.taxonomy = await asyncio.to_thread(load_taxonomy, settings.esco_dir)
        esco_dir = settings.occupation_map_esco_dir or settings.esco_dir
        app.state.occupation_map = await asyncio.to_thread(occupation_map, esco_dir, app.state.taxonomy)

    async def open_followers(app: FastAPI) -> None:
        app.state.followers = follower_clients(
            matching_url=settings.matching_url,
            outcomes_url=settings.outcomes_url,
            token=settings.service_token(),
            timeout=settings.followers_timeout_seconds,
            transports=follower_transports,
        )

    async def listen_for_changes(app: FastAPI) -> None:
        app.state.changes_listener = ChannelListener(app.state.database.driver_url(), CHANGES_CHANNEL)
        await app.state.changes_listener.start()

    async def stop_listening(app: FastAPI) -> None:
        await app.state.changes_listener.stop()

    async def close_followers(app: FastAPI) -> None:
        followers: Followers | None = getattr(app.state, "followers", None)
        if followers is not None:
            await followers.aclose()

    app: FastAPI = create_service_app(
        settings=settings,
        title="Brobygger registry",
        description="Municipalities, organisations, partnerships, job openings, citizens and enrolments.",
        routers=[
            municipalities.router,
            organisations.router,
            partnerships.router,
            opening_imports.router,
            openings.router,
            citizens.router,
            consents.router,
            enrolments.router,
            audit_events.router,
            access_log.router,
            changes.router,
            national_ids.router,
        ],
        metadata=metadata,
        alembic_ini=MIGRATIONS,
        on_startup=[load_reference_data, open_followers, listen_for_changes],
        on_shutdown=[stop_listening, close_followers],
        openapi_tags=TAGS,
    )
    app.state.national_id_vault = vault
    return app
