"""JsonRoute parses bodies with pydantic-core; what is not JSON at all answers 400, never 422 or 500."""

from __future__ import annotations

import httpx
from fastapi import APIRouter, FastAPI
from pydantic import BaseModel

from servicekit.errors import install_error_handlers
from servicekit.routing import JsonRoute


class Batch(BaseModel):
    items: list[dict[str, object]]


def app() -> FastAPI:
    application = FastAPI()
    install_error_handlers(application)
    router = APIRouter(route_class=JsonRoute)

    @router.post("/batch")
    async def batch(body: Batch) -> dict[str, int]:
        return {"items": len(body.items)}

    application.include_router(router)
    return application


async def post(content: bytes) -> httpx.Response:
    transport = httpx.ASGITransport(app=app())
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        return await client.post("/batch", content=content, headers={"content-type": "application/json"})


async def test_a_json_body_is_parsed_and_validated() -> None:
    answer = await post(b'{"items": [{"name": "\\u00e6\\u00f8\\u00e5", "n": 1e3}, {}]}')
    assert answer.status_code == 200
    assert answer.json() == {"items": 2}


async def test_malformed_and_absurdly_deep_json_answer_400_problems() -> None:
    for content in (b'{"items": [', b"[" * 10_000 + b"]" * 10_000, b'{"items": "\xff"}'):
        answer = await post(content)
        assert answer.status_code == 400, answer.text
        assert answer.headers["content-type"] == "application/problem+json"
