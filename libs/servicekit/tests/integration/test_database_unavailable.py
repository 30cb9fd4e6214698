"""A database that is down or cut a connection answers 503 problem+json (retry), never a 500 (a bug)."""

from __future__ import annotations

import socket

import asyncpg
import httpx
import pytest
from fastapi import FastAPI, Request
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from servicekit.db import Database
from servicekit.errors import database_unavailable, install_error_handlers


def closed_port_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
    return f"postgresql://nobody@127.0.0.1:{port}/nothing"  # nothing listens there any more


def app_on(database: Database) -> FastAPI:
    app = FastAPI()
    install_error_handlers(app)
    app.state.database = database

    @app.get("/rows")
    async def rows(request: Request) -> dict[str, int]:
        await request.app.state.database.ping()
        return {"rows": 1}

    @app.get("/bad-sql")
    async def bad_sql(request: Request) -> dict[str, int]:
        async with request.app.state.database.engine.connect() as conn:
            await conn.execute(text("select * from no_such_table"))
        return {"rows": 0}

    return app


async def test_request_while_the_database_is_down_is_503_with_retry_after() -> None:
    database = Database(closed_port_url())
    # raise_app_exceptions stays on: the outage is answered, not re-raised as a crash.
    transport = httpx.ASGITransport(app=app_on(database))
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            down = await client.get("/rows")
    finally:
        await database.dispose()
    assert down.status_code == 503
    assert down.headers["content-type"].startswith("application/problem+json")
    assert down.headers["retry-after"] == "1"
    assert down.json()["type"].endswith("service-unavailable")


async def test_other_database_errors_stay_500(postgres_admin_url: str) -> None:
    database = Database(postgres_admin_url, pool_size=1)
    transport = httpx.ASGITransport(app=app_on(database), raise_app_exceptions=False)
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            bug = await client.get("/bad-sql")
    finally:
        await database.dispose()
    assert bug.status_code == 500


async def test_a_terminated_connection_counts_as_unavailable(postgres_admin_url: str) -> None:
    database = Database(postgres_admin_url, pool_size=1)
    admin = await asyncpg.connect(postgres_admin_url)
    try:
        async with database.engine.connect() as conn:
            pid = (await conn.execute(text("select pg_backend_pid()"))).scalar_one()
            await admin.execute("select pg_terminate_backend($1)", pid)
            with pytest.raises(DBAPIError) as info:
                await conn.execute(text("select pg_sleep(0.1)"))
        assert database_unavailable(info.value)
    finally:
        await admin.close()
        await database.dispose()


async def test_a_request_that_waits_too_long_for_a_pooled_connection_is_503(postgres_admin_url: str) -> None:
    database = Database(postgres_admin_url, pool_size=1, pool_timeout=0.2)
    transport = httpx.ASGITransport(app=app_on(database))
    busy = [await database.engine.connect() for _ in range(3)]  # the pool and its overflow of two
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            waited = await client.get("/rows")
    finally:
        for conn in busy:
            await conn.close()
        await database.dispose()
    assert waited.status_code == 503
    assert waited.headers["retry-after"] == "1"
    assert waited.headers["content-type"] == "application/problem+json"


def test_other_errors_are_not_unavailability() -> None:
    assert not database_unavailable(RuntimeError("a bug"))
    assert not database_unavailable(ValueError("bad input"))


async def test_server_refusing_connections_while_shutting_down_is_503() -> None:
    """The error a pool meets when PostgreSQL is shutting down reaches the app wrapped twice
    (SQLAlchemy's DBAPIError around the dialect's error around asyncpg's)."""
    from sqlalchemy.dialects.postgresql.asyncpg import AsyncAdapt_asyncpg_dbapi

    app = FastAPI()
    install_error_handlers(app)

    @app.get("/shutting-down")
    async def shutting_down() -> None:
        try:
            try:
                raise asyncpg.CannotConnectNowError("the database system is shutting down")
            except asyncpg.CannotConnectNowError as error:
                raise AsyncAdapt_asyncpg_dbapi.Error("the database system is shutting down") from error
        except AsyncAdapt_asyncpg_dbapi.Error as translated:
            raise DBAPIError.instance(None, None, translated, AsyncAdapt_asyncpg_dbapi.Error) from translated

    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        answer = await client.get("/shutting-down")
    assert answer.status_code == 503
    assert answer.headers["retry-after"] == "1"
    assert answer.headers["content-type"] == "application/problem+json"
