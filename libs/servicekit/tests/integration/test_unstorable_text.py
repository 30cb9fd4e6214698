"""Text PostgreSQL cannot store (a NUL character) is the client's error: 422, not 500."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
import sqlalchemy as sa
from fastapi import APIRouter, FastAPI, Request

from servicekit.app import create_service_app
from servicekit.db import Database
from servicekit.errors import PROBLEM_JSON
from servicekit.settings import ServiceSettings
from servicekit.testing import TokenFactory

router = APIRouter(prefix="/v1/echo", tags=["echo"])


@router.get("")
async def echo(request: Request, text: str) -> dict[str, str]:
    """Send the text through PostgreSQL."""
    database: Database = request.app.state.database
    async with database.engine.connect() as connection:
        value = (await connection.execute(sa.select(sa.bindparam("text", text, type_=sa.Text)))).scalar_one()
    return {"text": value}


@pytest.fixture
async def client(postgres_admin_url: str) -> AsyncIterator[httpx.AsyncClient]:
    settings = ServiceSettings(database_url=postgres_admin_url, jwks_json=TokenFactory().jwks_json)
    app: FastAPI = create_service_app(settings=settings, title="Echo", description="Test", routers=[router])
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://echo.test") as http:
            yield http


async def test_nul_in_a_query_parameter_answers_422_problem(client: httpx.AsyncClient) -> None:
    """Found by Schemathesis: `GET /v1/recommendations/exposure?municipality=%00…` answered 500."""
    assert (await client.get("/v1/echo", params={"text": "Stevns"})).json() == {"text": "Stevns"}
    response = await client.get("/v1/echo", params={"text": "Ste\x00vns"})
    assert response.status_code == 422
    assert response.headers["content-type"] == PROBLEM_JSON
    assert response.json()["status"] == 422
