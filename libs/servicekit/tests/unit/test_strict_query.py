"""QueryBool: a query-string boolean is `true` or `false`; anything else is 422 naming the parameter."""

from __future__ import annotations

from typing import Annotated

import httpx
import pytest
from fastapi import FastAPI, Query

from servicekit.errors import install_error_handlers
from servicekit.strict import QueryBool


def app() -> FastAPI:
    app = FastAPI()
    install_error_handlers(app)

    @app.get("/openings")
    async def openings(flexjob: Annotated[QueryBool | None, Query()] = None) -> dict[str, bool | None]:
        return {"flexjob": flexjob}

    return app


async def ask(query: str) -> httpx.Response:
    transport = httpx.ASGITransport(app=app())
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        return await client.get(f"/openings{query}")


@pytest.mark.parametrize(("query", "expected"), [("", None), ("?flexjob=true", True), ("?flexjob=false", False)])
async def test_true_false_and_absent_are_read(query: str, expected: bool | None) -> None:
    response = await ask(query)
    assert response.status_code == 200
    assert response.json() == {"flexjob": expected}


@pytest.mark.parametrize("written", ["1", "0", "yes", "on", "TRUE", "t"])
async def test_lax_spellings_are_refused_naming_the_parameter(written: str) -> None:
    response = await ask(f"?flexjob={written}")
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
    assert "query.flexjob" in response.text


def test_the_schema_stays_a_plain_boolean() -> None:
    parameters = app().openapi()["paths"]["/openings"]["get"]["parameters"]
    assert parameters[0]["schema"]["anyOf"][0] == {"type": "boolean"}
