"""The gateway app: the proxy path in front, the gateway's own FastAPI endpoints behind it.

`uvicorn --factory gateway.main:create_app` (or `uvicorn gateway.main:app`, built on first access).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import structlog
from fastapi import FastAPI, Request
from starlette.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp, Receive, Scope, Send

from servicekit.app import cors_options, create_service_app
from servicekit.auth import JwksVerifier
from servicekit.logging import configure_logging

from .api import clients, docs, jwks, token
from .clients.upstream_documents import UpstreamDocuments
from .clients.upstream_health import upstreams_ready
from .domain.routes import upstream_for
from .domain.signing import SigningKeys
from .proxy.authentication import BearerAuthenticator
from .proxy.edge import ProxyEdge
from .proxy.forwarder import Forwarder
from .proxy.ratelimit import ClientRateLimiter
from .proxy.upstreams import upstreams_from
from .settings import Settings
from .store.tables import metadata
from .usecases.bootstrap import ensure_admin_client

log = structlog.get_logger("gateway")
# The migrations inside the installed package: the source tree's alembic.ini is not in an image.
MIGRATIONS = Path(__file__).resolve().parent / "migrations"
# FastAPI's own document and UI are replaced by the merged ones (api/docs.py).
REPLACED_ROUTES = frozenset({"/openapi.json", "/docs", "/docs/oauth2-redirect", "/redoc"})


class PathDispatch:
    """Routed `/v1/<collection>` requests take the lean proxy path; everything else is FastAPI."""

    def __init__(self, proxy: ASGIApp, api: ASGIApp) -> None:
        self.proxy = proxy
        self.api = api

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and upstream_for(scope["path"]) is not None:
            await self.proxy(scope, receive, send)
        else:
            await self.api(scope, receive, send)


def load_signing_keys(settings: Settings) -> SigningKeys:
    pems = settings.signing_keys.get_secret_value()
    if pems.strip():
        return SigningKeys.from_pems(pems)
    if settings.signing_key_path is None:
        log.warning("ephemeral_signing_key", hint="set GATEWAY_SIGNING_KEYS or GATEWAY_SIGNING_KEY_PATH")
    return SigningKeys.local(settings.signing_key_path)


def proxy_stack(forwarder: Forwarder, settings: Settings) -> ASGIApp:
    """CORS (when origins are configured) inside the one-pass edge layer (proxy/edge.py)."""
    app: ASGIApp = forwarder
    if settings.cors_origins:
        app = CORSMiddleware(app, **cors_options(settings.cors_origins))
    return ProxyEdge(app, service=settings.service_name)


def create_api(settings: Settings, keys: SigningKeys, forwarder: Forwarder) -> FastAPI:
    async def start(app: FastAPI) -> None:
        if settings.admin_client_id and settings.admin_client_secret:
            async with app.state.database.sessions() as session, session.begin():
                await ensure_admin_client(
                    session, client_id=settings.admin_client_id, secret=settings.admin_client_secret.get_secret_value()
                )
        await forwarder.start()

    async def stop(_: FastAPI) -> None:
        await forwarder.stop()

    async def upstreams_answer(_: Request) -> dict[str, Any]:
        return await upstreams_ready(forwarder.session, forwarder.base_urls())

    async def marker_answer(_: Request) -> dict[str, Any]:
        marker = settings.ready_marker
        if marker is None:
            return {}
        loaded = marker.exists()
        return {"demo_loaded_and_followers_caught_up": loaded, "ready": loaded}

    api = create_service_app(
        settings=settings.model_copy(update={"jwks_json": _jwks_text(keys), "jwks_url": None}),
        title="Brobygger API",
        description=(
            "The public API of Brobygger. Get a token with `POST /v1/auth/token` (OAuth2 client "
            "credentials), then call any `/v1/...` path with `Authorization: Bearer <token>`."
        ),
        routers=[token.router, clients.router, jwks.router, docs.router],
        metadata=metadata,
        alembic_ini=MIGRATIONS,
        on_startup=[start],
        on_shutdown=[stop],
        readiness_checks=[upstreams_answer, marker_answer],
    )
    api.router.routes[:] = [
        route for route in api.router.routes if getattr(route, "path", None) not in REPLACED_ROUTES or _is_ours(route)
    ]
    api.state.settings = settings
    api.state.signing_keys = keys
    api.state.forwarder = forwarder
    api.state.token_failures = ClientRateLimiter(settings.token_failure_limit, redis_url=settings.redis_url)
    api.state.upstream_documents = UpstreamDocuments(
        forwarder.base_urls(), cache_seconds=settings.openapi_cache_seconds
    )
    return api


def _is_ours(route: Any) -> bool:
    return getattr(route, "endpoint", None) in (docs.openapi_document, docs.swagger_ui, docs.redoc)


def _jwks_text(keys: SigningKeys) -> str:
    return json.dumps(keys.jwks())


def create_app(settings: Settings | None = None) -> ASGIApp:
    """Build the gateway; connects to nothing until the lifespan starts."""
    settings = settings or Settings()
    configure_logging(settings.service_name, level=settings.log_level, json=settings.log_json)
    keys = load_signing_keys(settings)
    verifier = JwksVerifier(issuer=settings.jwt_issuer, audience=settings.jwt_audience, jwks_json=_jwks_text(keys))
    forwarder = Forwarder(
        upstreams=upstreams_from(settings),
        verifier=BearerAuthenticator(verifier),
        rate_limiter=ClientRateLimiter(settings.rate_limit, redis_url=settings.redis_url),
        settings=settings,
    )
    api = create_api(settings, keys, forwarder)
    return PathDispatch(proxy_stack(forwarder, settings), api)


def __getattr__(name: str) -> Any:
    """`uvicorn gateway.main:app`: the app is built from the environment on first access."""
    if name == "app":
        app = create_app()
        globals()["app"] = app
        return app
    raise AttributeError(name)
