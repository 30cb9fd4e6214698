from __future__ import annotations

import httpx
import pytest
from fastapi import FastAPI

from servicekit.errors import PreconditionFailed, PreconditionRequired, ValidationFailed, install_error_handlers
from servicekit.etag import IfMatchHeader, check_version, etag_for, parse_if_match


def test_etag_round_trips_including_weak_form() -> None:
    assert parse_if_match(etag_for(7)) == 7
    assert parse_if_match('W/"7"') == 7


def test_missing_if_match_is_428_and_garbage_422() -> None:
    with pytest.raises(PreconditionRequired):
        parse_if_match(None)
    with pytest.raises(ValidationFailed):
        parse_if_match('"abc"')


def test_stale_version_is_412() -> None:
    with pytest.raises(PreconditionFailed):
        check_version(3, 4)


async def test_endpoint_without_if_match_answers_428_problem_json() -> None:
    app = FastAPI()
    install_error_handlers(app)

    @app.patch("/things/1")
    async def update(if_match: IfMatchHeader) -> dict[str, int]:
        return {"version": parse_if_match(if_match)}

    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as client:
        missing = await client.patch("/things/1")
        assert missing.status_code == 428
        assert missing.headers["content-type"] == "application/problem+json"
        assert (await client.patch("/things/1", headers={"If-Match": '"4"'})).json() == {"version": 4}
