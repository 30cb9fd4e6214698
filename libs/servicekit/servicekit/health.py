"""Liveness, readiness (database reachable, migrations at head) and metrics endpoints."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from alembic.config import Config
from alembic.script import ScriptDirectory
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from sqlalchemy import text

from .db import Database
from .metrics import metrics_endpoint

ReadinessCheck = Callable[[Request], Awaitable[dict[str, Any]]]


def migration_heads(migrations: Path) -> set[str]:
    """Head revisions of a service's migrations: its package's migrations folder (or an alembic.ini).

    Reading the folder inside the installed package keeps /readyz right in a container, where
    the source tree's alembic.ini is not there.
    """
    if migrations.is_dir():
        config = Config()
        config.set_main_option("script_location", str(migrations))
    else:
        config = Config(str(migrations))
    return set(ScriptDirectory.from_config(config).get_heads())


def health_router(alembic_ini: Path | None, extra_checks: list[ReadinessCheck] | None = None) -> APIRouter:
    router = APIRouter(include_in_schema=False)
    heads = migration_heads(alembic_ini) if alembic_ini else set()

    @router.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @router.get("/readyz")
    async def readyz(request: Request) -> JSONResponse:
        database: Database = request.app.state.database
        checks: dict[str, Any] = {}
        ready = True
        try:
            async with database.engine.connect() as conn:
                current = set((await conn.execute(text("select version_num from alembic_version"))).scalars())
            checks["database"] = "ok"
            checks["migrations"] = "at head" if current == heads else f"at {sorted(current)}, head {sorted(heads)}"
            ready = current == heads
        except Exception as exc:  # any failure to reach the database means: not ready
            checks["database"] = f"unreachable: {type(exc).__name__}"
            ready = False
        for check in extra_checks or []:
            try:
                result = await check(request)
            except Exception as exc:  # a check that cannot run (its database is down) means: not ready
                result = {"ready": False, getattr(check, "__name__", "check"): f"failed: {type(exc).__name__}"}
            ready = ready and bool(result.pop("ready", True))
            checks.update(result)
        return JSONResponse(
            {"status": "ready" if ready else "not ready", "checks": checks}, status_code=200 if ready else 503
        )

    router.add_api_route("/metrics", metrics_endpoint, methods=["GET"])
    return router
