"""The proxy path's edge: request id, security headers, metrics and access log in one pure ASGI
layer.

The API side uses servicekit's middleware stack; on the proxy path the same work is done here in
one pass, because the separate layers (each wrapping `send` and re-parsing headers) measured at
about a fifth of the gateway's throughput (bench/gateway_overhead.py). It reuses servicekit's
metrics, header list, logger and request-id context, so the two paths report alike.
"""

from __future__ import annotations

import logging
import time
import uuid
from typing import Any

from asgi_correlation_id.context import correlation_id
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from servicekit.app import API_CSP, SECURITY_HEADERS
from servicekit.metrics import LATENCY, REQUESTS, access_log

REQUEST_ID = b"x-request-id"
PROXY_SECURITY_HEADERS = [
    *SECURITY_HEADERS,
    (b"content-security-policy", API_CSP),
]
_access_level = logging.getLogger("access")


def valid_request_id(value: bytes) -> str | None:
    """The client's id if it is a UUID4 (what every service's middleware accepts), else None."""
    try:
        text = value.decode("ascii")
        return text if uuid.UUID(text).version == 4 else None
    except (ValueError, UnicodeDecodeError):
        return None


class ProxyEdge:
    def __init__(self, app: ASGIApp, *, service: str) -> None:
        self.app = app
        self.service = service
        self._requests: dict[tuple[str, str, int], Any] = {}
        self._latency: dict[tuple[str, str], Any] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        started = time.perf_counter()
        headers: list[tuple[bytes, bytes]] = scope["headers"]
        request_id = None
        for index, (name, value) in enumerate(headers):
            if name == REQUEST_ID:
                request_id = valid_request_id(value)
                if request_id is None:
                    del headers[index]
                break
        if request_id is None:
            request_id = uuid.uuid4().hex
            headers.append((REQUEST_ID, request_id.encode()))
        correlation_id.set(request_id)
        encoded_id = request_id.encode()
        status = 500

        async def send_with_headers(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                out = list(message.get("headers", ()))
                present = {name.lower() for name, _ in out}
                out += [header for header in PROXY_SECURITY_HEADERS if header[0] not in present]
                out.append((REQUEST_ID, encoded_id))
                message["headers"] = out
            await send(message)

        try:
            await self.app(scope, receive, send_with_headers)
        finally:
            self._record(scope, status, time.perf_counter() - started)

    def _record(self, scope: Scope, status: int, elapsed: float) -> None:
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
        if _access_level.isEnabledFor(logging.INFO):
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
