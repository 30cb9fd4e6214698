"""threadpool_calls finds the endpoints and dependencies FastAPI would run in a worker thread."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, FastAPI, Request

from servicekit.threadpool_audit import threadpool_calls


def sync_state(request: Request) -> str:
    return "x"


async def async_state(request: Request) -> str:
    return "x"


async def nested(value: Annotated[str, Depends(sync_state)]) -> str:
    return value


class Marker:
    def __init__(self) -> None:
        self.seen = True


def test_sync_endpoints_and_dependencies_are_listed_at_any_depth() -> None:
    app = FastAPI()

    @app.get("/inline")
    async def inline(value: Annotated[str, Depends(async_state)]) -> str:
        return value

    @app.get("/nested")
    async def deep(value: Annotated[str, Depends(nested)]) -> str:
        return value

    @app.get("/class")
    async def with_class(marker: Annotated[Marker, Depends(Marker)]) -> bool:
        return marker.seen

    @app.get("/sync")
    def blocking() -> str:
        return "x"

    router = APIRouter(prefix="/included", dependencies=[Depends(sync_state)])

    @router.get("/route")
    async def included() -> str:
        return "x"

    app.include_router(router)

    assert threadpool_calls(app) == [
        "GET /class: Marker",
        "GET /included/route: sync_state",
        "GET /nested: sync_state",
        "GET /sync: test_sync_endpoints_and_dependencies_are_listed_at_any_depth.<locals>.blocking",
    ]
