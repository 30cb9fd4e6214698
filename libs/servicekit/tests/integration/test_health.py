from __future__ import annotations

import socket
from typing import Any

import httpx
from fastapi import FastAPI, Request

from servicekit.db import Database
from servicekit.health import health_router


async def feed_lag(request: Request) -> dict[str, Any]:
    """Like matching's feed check: it reads the database, so it raises while the database is down."""
    await request.app.state.database.ping()
    return {"ready": True, "feed_lag": 0}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def test_readiness_is_503_not_500_when_an_extra_check_cannot_reach_the_database() -> None:
    app = FastAPI()
    app.include_router(health_router(None, [feed_lag]))
    # Nothing listens on a port just freed: the database is down, as during a PostgreSQL restart.
    app.state.database = Database(f"postgresql://nobody@127.0.0.1:{free_port()}/nothing")
    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as client:
            response = await client.get("/readyz")
    finally:
        await app.state.database.dispose()
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "not ready"
    assert body["checks"]["database"].startswith("unreachable")
    assert body["checks"]["feed_lag"].startswith("failed")
