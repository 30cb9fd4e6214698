"""BodyLimitMiddleware: a body over the limit answers 413 whether or not it declares its length."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
from fastapi import FastAPI
from pydantic import BaseModel

from servicekit.app import BodyLimitMiddleware
from servicekit.errors import install_error_handlers
from servicekit.settings import ServiceSettings

LIMIT = 1_000


class Item(BaseModel):
    text: str


def limited_app() -> BodyLimitMiddleware:
    app = FastAPI()
    install_error_handlers(app)

    @app.post("/items")
    async def create_item(item: Item) -> dict[str, int]:
        return {"length": len(item.text)}

    @app.post("/items:import")
    async def import_items(item: Item) -> dict[str, int]:
        return {"length": len(item.text)}

    settings = ServiceSettings(max_body_bytes=LIMIT, import_max_body_bytes=10 * LIMIT)
    return BodyLimitMiddleware(app, max_bytes=LIMIT, limit_for=settings.body_limit)


async def chunks(total: int) -> AsyncIterator[bytes]:
    yield b'{"text": "'
    for _ in range(total // 100):
        yield b"a" * 100
    yield b'"}'


async def post(content: bytes | AsyncIterator[bytes], path: str = "/items") -> httpx.Response:
    transport = httpx.ASGITransport(app=limited_app())
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        return await client.post(path, content=content, headers={"content-type": "application/json"})


async def test_import_route_takes_its_larger_limit() -> None:
    assert (await post(chunks(5 * LIMIT), "/items:import")).status_code == 200
    assert (await post(chunks(20 * LIMIT), "/items:import")).status_code == 413


async def test_streamed_body_over_the_limit_answers_413_not_a_parse_error() -> None:
    response = await post(chunks(5 * LIMIT))
    assert response.status_code == 413, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["status"] == 413


async def test_declared_body_over_the_limit_answers_413() -> None:
    response = await post(b'{"text": "' + b"a" * 5 * LIMIT + b'"}')
    assert response.status_code == 413
    assert response.headers["content-type"] == "application/problem+json"


async def test_streamed_body_under_the_limit_reaches_the_endpoint() -> None:
    response = await post(chunks(LIMIT // 2))
    assert response.status_code == 200, response.text
    assert response.json() == {"length": LIMIT // 2}
