"""The app factory: wires settings, logging, errors, auth, database, cursors, health and metrics."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager, suppress
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from asgi_correlation_id import CorrelationIdMiddleware
from fastapi import APIRouter, FastAPI
from starlette.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .auth import JwksVerifier
from .db import Database
from .errors import PayloadTooLarge, install_error_handlers, problem_response
from .health import ReadinessCheck, health_router
from .heap import settle_after_startup
from .logging import configure_logging
from .metrics import MetricsMiddleware
from .openapi import install_openapi, operation_id
from .pagination import CursorCodec
from .settings import ServiceSettings

Hook = Callable[[FastAPI], Awaitable[None]]

SECURITY_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"cache-control", b"no-store"),
    (b"strict-transport-security", b"max-age=31536000; includeSubDomains"),
]
DOCS_PATHS = ("/docs", "/redoc")
API_CSP = b"default-src 'none'; frame-ancestors 'none'"
# The documentation pages load only what the gateway itself serves: no CDN, no inline script.
# Swagger UI and ReDoc set inline styles, and ReDoc searches in a blob: worker.
DOCS_CSP = (
    b"default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    b"font-src 'self'; connect-src 'self'; worker-src 'self' blob:; base-uri 'none'; form-action 'none'; "
    b"frame-ancestors 'none'"
)


class SecurityHeadersMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_wrapper(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {k.lower() for k, _ in message.get("headers", [])}
                extra = [(k, v) for k, v in SECURITY_HEADERS if k not in present]
                if b"content-security-policy" not in present:
                    policy = DOCS_CSP if scope["path"].startswith(DOCS_PATHS) else API_CSP
                    extra.append((b"content-security-policy", policy))
                message["headers"] = list(message.get("headers", [])) + extra
            await send(message)

        await self.app(scope, receive, send_wrapper)


class BodyLimitMiddleware:
    """Rejects bodies over the limit with 413 before the app reads them into memory."""

    def __init__(self, app: ASGIApp, max_bytes: int, *, limit_for: Callable[[str], int] | None = None) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.limit_for = limit_for or (lambda _path: max_bytes)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit_for(scope["path"])
        declared = dict(scope.get("headers", [])).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            await self._reject(scope, send, limit)
            return
        received = 0
        too_large = False
        started = False

        async def limited_receive() -> Message:
            nonlocal received, too_large
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    too_large = True
                    raise _BodyTooLarge
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal started
            # FastAPI turns any error while reading the body into its own 400 answer; a body cut
            # off here answers 413 instead, so that answer is dropped.
            if too_large:
                return
            started = started or message["type"] == "http.response.start"
            await send(message)

        with suppress(_BodyTooLarge):
            await self.app(scope, limited_receive, guarded_send)
        if too_large and not started:
            await self._reject(scope, send, limit)

    async def _reject(self, scope: Scope, send: Send, limit: int) -> None:
        response = problem_response(PayloadTooLarge.over(limit), scope["path"])
        await response(scope, _empty_receive, send)


class _BodyTooLarge(Exception):
    pass


async def _empty_receive() -> Message:
    return {"type": "http.disconnect"}


def create_service_app(
    *,
    settings: ServiceSettings,
    title: str,
    description: str,
    version: str = "1.0.0",
    routers: Sequence[APIRouter],
    metadata: sa.MetaData | None = None,
    alembic_ini: Path | None = None,
    on_startup: Sequence[Hook] = (),
    on_shutdown: Sequence[Hook] = (),
    readiness_checks: Sequence[ReadinessCheck] = (),
    openapi_tags: list[dict[str, Any]] | None = None,
) -> FastAPI:
    """Build a service app; nothing connects at import time, everything in the lifespan."""
    configure_logging(settings.service_name, level=settings.log_level, json=settings.log_json)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.database = Database(settings.database_url, pool_size=settings.database_pool_size)
        for hook in on_startup:
            await hook(app)
        settle_after_startup()
        try:
            yield
        finally:
            for hook in reversed(on_shutdown):
                await hook(app)
            await app.state.database.dispose()

    app = FastAPI(
        title=title,
        description=description,
        version=version,
        lifespan=lifespan,
        openapi_tags=openapi_tags,
        generate_unique_id_function=operation_id,
    )
    app.state.settings = settings
    app.state.verifier = JwksVerifier(
        issuer=settings.jwt_issuer,
        audience=settings.jwt_audience,
        jwks_url=settings.jwks_url,
        jwks_json=settings.jwks_json,
    )
    key = settings.cursor_key.get_secret_value()
    app.state.cursor_codec = CursorCodec(bytes.fromhex(key) if key else None)
    if metadata is not None and "idempotency_keys" in metadata.tables:
        app.state.idempotency_table = metadata.tables["idempotency_keys"]
    install_error_handlers(app)
    app.include_router(health_router(alembic_ini, list(readiness_checks)))
    for router in routers:
        app.include_router(router)
    add_standard_middleware(app, settings)
    install_openapi(app)
    return app


def cors_options(origins: list[str]) -> dict[str, Any]:
    """The one CORS policy of the services and the gateway: what a browser may send and read."""
    return {
        "allow_origins": origins,
        "allow_credentials": True,
        "allow_methods": ["GET", "POST", "PATCH", "PUT", "DELETE", "OPTIONS"],
        "allow_headers": ["Authorization", "Content-Type", "Idempotency-Key", "If-Match", "X-Request-ID", "X-Purpose"],
        "expose_headers": ["ETag", "X-Request-ID", "Retry-After", "Location"],
    }


def add_standard_middleware(app: FastAPI, settings: ServiceSettings) -> None:
    """Outermost first: request id, security headers, CORS, metrics/access log, body limit."""
    app.add_middleware(BodyLimitMiddleware, max_bytes=settings.max_body_bytes, limit_for=settings.body_limit)
    app.add_middleware(MetricsMiddleware, service=settings.service_name)
    if settings.cors_origins:
        app.add_middleware(CORSMiddleware, **cors_options(settings.cors_origins))
    app.add_middleware(SecurityHeadersMiddleware)
    app.add_middleware(CorrelationIdMiddleware, header_name="X-Request-ID")
