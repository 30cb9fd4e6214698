"""Dependencies that hand an endpoint what the app's lifespan put on `app.state`."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import Request


def state_dependency(name: str) -> Callable[[Request], Awaitable[Any]]:
    """A dependency answering `request.app.state.<name>` (use as `Annotated[T, Depends(state_dependency("x"))]`)."""

    async def read(request: Request) -> Any:
        return getattr(request.app.state, name)

    read.__name__ = f"app_state_{name}"
    return read
