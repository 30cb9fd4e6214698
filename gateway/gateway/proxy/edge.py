"""The proxy path's edge: request id, security headers, metrics and access log in one pure ASGI
layer.

The API side uses servicekit's middleware stack; on the proxy path the same work is done here in
one pass, because the separate layers (each wrapping `send` and re-parsing headers) measured at
about a fifth of the gateway's throughput (bench/gateway_overhead.py). It records requests through
servicekit's RequestRecorder and reuses its header list and request-id context, so the two paths
report alike.
"""

from __future__ import annotations

import uuid

from asgi_correlation_id.context import correlation_id
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from servicekit.app import API_CSP, SECURITY_HEADERS
from servicekit.metrics import RequestRecorder

REQUEST_ID = b"x-request-id"
PROXY_SECURITY_HEADERS = [
    *SECURITY_HEADERS,
    (b"content-security-policy", API_CSP),
]


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
        self.recorder = RequestRecorder(service)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
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

        def add_headers(start: Message) -> None:
            out = list(start.get("headers", ()))
            present = {name.lower() for name, _ in out}
            out += [header for header in PROXY_SECURITY_HEADERS if header[0] not in present]
            out.append((REQUEST_ID, encoded_id))
            start["headers"] = out

        await self.recorder.answer(self.app, scope, receive, send, on_start=add_headers)
