"""A stand-in for a Brobygger service, run as a real uvicorn process by the gateway tests.

Plain ASGI so that it starts in a fraction of a second. STUB_SERVICE names the service it plays.
It documents one path of its own in /openapi.json (with a component `Item` that clashes by name
with the other stubs'), echoes every other request as JSON, hangs on paths ending in /hang (counting them on /hanging),
answers any status on /status/<code>, and streams a large body on /big.
"""

from __future__ import annotations

import asyncio
import json
import os
from typing import Any
from urllib.parse import parse_qs

SERVICE = os.environ.get("STUB_SERVICE", "registry")
UNKNOWN_MUNICIPALITY = "/v1/municipalities/DK-0999"  # the one municipality the stub registry lacks
HANGING = [0]  # requests held on a /hang path, for tests that wait until the gateway admitted them
DOCUMENTED_PATH = {
    "registry": "/v1/municipalities/{code}",
    "matching": "/v1/models/{code}",
    "outcomes": "/v1/rate-cards/{code}",
    "webhooks": "/v1/webhooks/{code}",
}[SERVICE]
OPENAPI = {
    "openapi": "3.1.0",
    "info": {"title": f"stub {SERVICE}", "version": "1"},
    "paths": {
        DOCUMENTED_PATH: {
            "get": {
                "operationId": f"get_{SERVICE}_item",
                "security": [{"ServiceBearer": []}],
                "responses": {
                    "200": {
                        "description": "OK",
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Item"}}},
                    }
                },
            }
        },
        "/internal/v1/changes": {"get": {"responses": {"200": {"description": "OK"}}}},
        "/healthz": {"get": {"responses": {"200": {"description": "OK"}}}},
    },
    "components": {
        "schemas": {
            "Item": {
                "type": "object",
                "properties": {"code": {"type": "string"}, f"{SERVICE}_only": {"type": "integer"}},
            },
            "Shared": {"type": "object", "properties": {"same": {"type": "string"}}},
        },
        "securitySchemes": {"ServiceBearer": {"type": "http", "scheme": "bearer"}},
    },
    "tags": [{"name": SERVICE}],
}


async def send_json(send: Any, status: int, document: Any, headers: tuple[tuple[bytes, bytes], ...] = ()) -> None:
    body = json.dumps(document).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()), *headers],
        }
    )
    await send({"type": "http.response.body", "body": body})


async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    if scope["type"] == "lifespan":
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await send({"type": "lifespan.shutdown.complete"})
                return
    path: str = scope["path"]
    if path == "/healthz":
        await send_json(send, 200, {"status": "ok"})
        return
    if path == "/openapi.json":
        await send_json(send, 200, OPENAPI)
        return
    if path == "/hanging":
        await send_json(send, 200, {"hanging": HANGING[0]})
        return
    if path.endswith("/hang"):
        HANGING[0] += 1
        await asyncio.Event().wait()
    if path == UNKNOWN_MUNICIPALITY:
        await send_json(send, 404, {"status": 404, "title": "Not found"})
        return
    if "/status/" in path:
        status = int(path.rsplit("/", 1)[1])
        await send_json(send, status, {"service": SERVICE, "status": status})
        return
    if path.endswith("/big"):
        size = int(parse_qs(scope["query_string"].decode()).get("size", ["1000000"])[0])
        await send(
            {"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"application/octet-stream")]}
        )
        chunk = b"x" * 65536
        sent = 0
        while sent < size:
            part = chunk[: size - sent]
            sent += len(part)
            await send({"type": "http.response.body", "body": part, "more_body": True})
        await send({"type": "http.response.body", "body": b""})
        return
    received = 0
    while True:
        message = await receive()
        received += len(message.get("body", b""))
        if not message.get("more_body"):
            break
    echo = {
        "service": SERVICE,
        "method": scope["method"],
        "path": path,
        "raw_path": scope["raw_path"].decode(),
        "query": scope["query_string"].decode(),
        "headers": [[k.decode("latin-1"), v.decode("latin-1")] for k, v in scope["headers"]],
        "body_bytes": received,
    }
    await send_json(send, 200, echo, ((b"x-request-id", b"set-by-upstream"), (b"connection", b"keep-alive")))
