"""Prometheus metrics: request count and latency per route template, never per raw path."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

import structlog
from prometheus_client import CONTENT_TYPE_LATEST, Counter, Histogram, generate_latest
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

REQUESTS = Counter("http_requests_total", "HTTP requests answered", ["service", "method", "route", "status"])
LATENCY = Histogram(
    "http_request_duration_seconds",
    "Time to answer an HTTP request",
    ["service", "method", "route"],
    buckets=(0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
access_log = structlog.get_logger("access")
_access_level = logging.getLogger("access")
QUIET_PATHS = frozenset({"/healthz", "/readyz", "/metrics"})
StartHook = Callable[[Message], None]


class RequestRecorder:
    """What is kept of an answered request, by the services' middleware and the gateway's proxy edge
    alike: its count and latency per route template (never the raw path) and its access-log line
    (none for the probes and /metrics). The metric children are looked up once per label set: on the
    proxy path the look-up measured as a share of the gateway's overhead (bench/gateway_overhead.py)."""

    def __init__(self, service: str) -> None:
        self.service = service
        self._requests: dict[tuple[str, str, int], Any] = {}
        self._latency: dict[tuple[str, str], Any] = {}

    async def answer(
        self, app: ASGIApp, scope: Scope, receive: Receive, send: Send, *, on_start: StartHook | None = None
    ) -> None:
        """Let `app` answer the request and record it (a 500 if it never started a response);
        `on_start` sees the response start first (to add headers)."""
        started = time.perf_counter()
        status = 500

        async def send_and_note(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                if on_start is not None:
                    on_start(message)
            await send(message)

        try:
            await app(scope, receive, send_and_note)
        finally:
            self.record(scope, status, time.perf_counter() - started)

    def record(self, scope: Scope, status: int, elapsed: float) -> None:
        method: str = scope["method"]
        route = getattr(scope.get("route"), "path", None) or "unmatched"
        counter = self._requests.get((method, route, status))
        if counter is None:
            counter = self._requests[(method, route, status)] = REQUESTS.labels(
                self.service, method, route, str(status)
            )
        counter.inc()
        histogram = self._latency.get((method, route))
        if histogram is None:
            histogram = self._latency[(method, route)] = LATENCY.labels(self.service, method, route)
        histogram.observe(elapsed)
        if scope["path"] in QUIET_PATHS or not _access_level.isEnabledFor(logging.INFO):
            return
        state = scope.get("state")
        principal = state.get("principal") if isinstance(state, dict) else None
        access_log.info(
            "request",
            method=method,
            route=route,
            status=status,
            duration_ms=round(elapsed * 1000, 2),
            client_id=getattr(principal, "client_id", None),
        )


class MetricsMiddleware:
    """Pure ASGI (no BaseHTTPMiddleware) so streaming bodies pass untouched."""

    def __init__(self, app: ASGIApp, service: str) -> None:
        self.app = app
        self.recorder = RequestRecorder(service)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        await self.recorder.answer(self.app, scope, receive, send)


async def metrics_endpoint(_: Request) -> Response:
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)
