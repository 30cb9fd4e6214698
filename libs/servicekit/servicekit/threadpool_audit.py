"""Which of an app's endpoints and dependencies FastAPI would run in its thread pool.

FastAPI runs every plain `def` endpoint or dependency in a worker thread: a hop per call (queue,
wake-up, GIL hand-over) that under load costs more than the function itself when it only reads
`request.app.state` or a header. Services write them as `async def`; each service's tests call
`threadpool_calls(app)` to keep it so.
"""

from __future__ import annotations

import inspect
from collections.abc import Iterator
from typing import Any

from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute, iter_route_contexts


def _runs_inline(call: Any) -> bool:
    # A class runs its __init__ in the thread pool; an instance with `async def __call__` runs inline.
    target = call if inspect.isroutine(call) or inspect.isclass(call) else type(call).__call__
    return inspect.iscoroutinefunction(target) or inspect.isasyncgenfunction(target)


def _dependencies(dependant: Dependant) -> Iterator[Dependant]:
    for dependency in dependant.dependencies:
        yield dependency
        yield from _dependencies(dependency)


def threadpool_calls(app: FastAPI) -> list[str]:
    """`METHOD path: qualified name` of each endpoint or dependency that would run in a thread."""
    found = set()
    # Included routers are resolved lazily: their effective routes carry the prefix and the
    # router-level dependencies that the original APIRoute lacks.
    for context in iter_route_contexts(app.routes):
        route = context.original_route
        if not isinstance(route, APIRoute):
            continue
        effective = getattr(context._route_context, "dependant", None) or route.dependant
        where = f"{','.join(sorted(route.methods or ()))} {context.path or route.path}"
        for dependant in (effective, *_dependencies(effective)):
            if dependant.call is not None and not _runs_inline(dependant.call):
                found.add(f"{where}: {getattr(dependant.call, '__qualname__', repr(dependant.call))}")
    return sorted(found)
