"""Forwards one request to its upstream and streams the answer back (pure ASGI, no pydantic).

Order of checks: route → token (401 before any upstream work) → rate limit (429) → body size
(413) → breaker (503) → the hop. Timeouts: an upstream that refuses or cannot be reached within
the connect timeout answers 503 at once; one that accepts but does not answer within the read
timeout answers 504. Only GET/HEAD/OPTIONS without a body are retried, and only on connection
failures (a stale pooled connection, a restarting upstream), never on a timeout.
"""

from __future__ import annotations

import json
import math
from collections.abc import AsyncIterator
from dataclasses import dataclass

import aiohttp
import structlog
from asgi_correlation_id.context import correlation_id
from starlette.types import Message, Receive, Scope, Send
from yarl import URL

from servicekit.domain_errors import (
    CircuitOpen,
    DomainError,
    NotFound,
    PayloadTooLarge,
    TooManyRequests,
    UpstreamTimeout,
    UpstreamUnavailable,
    problem_document,
)
from servicekit.errors import PROBLEM_JSON, problem_headers

from ..domain.breaker import BreakerState
from ..domain.routes import collection_of, upstream_for
from ..settings import Settings
from .authentication import BearerAuthenticator
from .headers import request_headers, response_headers
from .metrics import REFUSALS, watch_breakers
from .ratelimit import ClientRateLimiter
from .upstreams import Upstream

log = structlog.get_logger("gateway.proxy")

RETRYABLE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
BREAKER_FAILURE_STATUS = frozenset({502, 503, 504})
# Bodies up to this size are read whole and sent in one message; larger ones are streamed.
BUFFER_LIMIT = 64 * 1024
SKIP_AUTO_HEADERS = ("User-Agent", "Accept-Encoding", "Content-Type")


@dataclass(frozen=True)
class ProxyRoute:
    """What MetricsMiddleware reads from scope['route']: a bounded label, never the raw path."""

    path: str


@dataclass(frozen=True)
class RequestFacts:
    """The few request headers the proxy itself reads, found in one pass."""

    authorization: bytes | None
    declared_length: int | None
    chunked: bool
    host: str | None

    @classmethod
    def of(cls, headers: list[tuple[bytes, bytes]]) -> RequestFacts:
        authorization = content_length = host = None
        chunked = False
        for key, value in headers:
            if key == b"authorization":
                authorization = value
            elif key == b"content-length":
                content_length = value
            elif key == b"host":
                host = value
            elif key == b"transfer-encoding":
                chunked = True
        declared = int(content_length) if content_length is not None and content_length.isdigit() else None
        return cls(authorization, declared, chunked, host.decode("latin-1") if host else None)

    @property
    def has_body(self) -> bool:
        return self.chunked or bool(self.declared_length)


class _BodyAbandoned(Exception):
    """The request body stopped: too large, or the client went away."""


async def send_problem(send: Send, error: DomainError, instance: str) -> None:
    body = json.dumps(problem_document(error, instance)).encode()
    raw = [(b"content-type", PROBLEM_JSON.encode()), (b"content-length", str(len(body)).encode())]
    raw += [(k.lower().encode(), v.encode()) for k, v in problem_headers(error).items()]
    await send({"type": "http.response.start", "status": error.status, "headers": raw})
    await send({"type": "http.response.body", "body": body, "more_body": False})


class Forwarder:
    """The proxy ASGI app. `start()` in the lifespan creates the one shared aiohttp session."""

    def __init__(
        self,
        *,
        upstreams: dict[str, Upstream],
        verifier: BearerAuthenticator,
        rate_limiter: ClientRateLimiter,
        settings: Settings,
    ) -> None:
        """`settings` give the timeouts, attempts, pool sizes and body limits (`upstream_*`, `body_limit`)."""
        self.upstreams = upstreams
        self.verifier = verifier
        self.rate_limiter = rate_limiter
        self.settings = settings
        self.timeout = aiohttp.ClientTimeout(
            total=None, sock_connect=settings.upstream_connect_timeout, sock_read=settings.upstream_timeout
        )
        self.routes = {name: ProxyRoute(f"/v1/{name}") for name in upstreams}
        self._session: aiohttp.ClientSession | None = None
        watch_breakers(upstreams)

    def base_urls(self) -> dict[str, str]:
        """Each upstream's base URL by service name."""
        return {name: upstream.base_url for name, upstream in self.upstreams.items()}

    async def start(self) -> None:
        # limit_per_host caps the requests in flight to each upstream; aiohttp queues the others in
        # arrival order until a connection is free.
        connector = aiohttp.TCPConnector(
            limit=self.settings.upstream_pool_size,
            limit_per_host=self.settings.upstream_concurrency,
            ttl_dns_cache=300,
        )
        self._session = aiohttp.ClientSession(
            connector=connector,
            timeout=self.timeout,
            auto_decompress=False,
            skip_auto_headers=SKIP_AUTO_HEADERS,
            cookie_jar=aiohttp.DummyCookieJar(),
        )

    async def stop(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    @property
    def session(self) -> aiohttp.ClientSession:
        if self._session is None:
            raise RuntimeError("the forwarder is not started (lifespan did not run)")
        return self._session

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path: str = scope["path"]
        name = upstream_for(path)
        if name is None:  # PathDispatch sends only routed paths here
            await send_problem(send, NotFound("No such route."), path)
            return
        scope["route"] = ProxyRoute(f"/v1/{collection_of(path)}")
        try:
            await self._forward(scope, receive, send, self.upstreams[name])
        except DomainError as error:
            await send_problem(send, error, path)

    async def _forward(self, scope: Scope, receive: Receive, send: Send, upstream: Upstream) -> None:
        path: str = scope["path"]
        headers: list[tuple[bytes, bytes]] = scope["headers"]
        facts = RequestFacts.of(headers)
        principal = await self.verifier.principal(facts.authorization)
        state = scope.setdefault("state", {})
        if isinstance(state, dict):
            state["principal"] = principal
        wait = await self.rate_limiter.admit(principal.client_id)
        if wait is not None:
            limited = TooManyRequests("The client's rate limit is exhausted; retry later.", retry_after=int(wait))
            await _refuse(send, upstream, limited, path)
            return
        max_body_bytes = self.settings.body_limit(path)
        if facts.declared_length is not None and facts.declared_length > max_body_bytes:
            await _refuse(send, upstream, PayloadTooLarge.over(max_body_bytes), path)
            return
        breaker = upstream.breaker
        if not breaker.allow():
            retry_after = max(1, math.ceil(breaker.retry_after()))
            failing = CircuitOpen(f"The {upstream.name} service is failing; retry later.", retry_after=retry_after)
            await _refuse(send, upstream, failing, path)
            return
        has_body = facts.has_body
        method: str = scope["method"]
        query: bytes = scope.get("query_string", b"")
        raw_path: bytes = scope.get("raw_path") or path.encode()
        target = upstream.base_url + raw_path.decode("latin-1") + ("?" + query.decode("latin-1") if query else "")
        client = scope.get("client")
        outgoing = request_headers(
            headers,
            request_id=correlation_id.get() or "",
            client_ip=client[0] if client else None,
            host=facts.host,
            scheme=scope.get("scheme", "http"),
        )
        too_large = client_gone = False

        async def body() -> AsyncIterator[bytes]:
            nonlocal too_large, client_gone
            received = 0
            while True:
                message: Message = await receive()
                if message["type"] == "http.disconnect":
                    client_gone = True
                    raise _BodyAbandoned
                chunk: bytes = message.get("body", b"")
                received += len(chunk)
                if received > max_body_bytes:
                    too_large = True
                    raise _BodyAbandoned
                if chunk:
                    yield chunk
                if not message.get("more_body", False):
                    return

        attempts = self.settings.upstream_attempts if method in RETRYABLE_METHODS and not has_body else 1
        url = URL(target, encoded=True)
        for attempt in range(1, attempts + 1):
            try:
                response = await self.session.request(
                    method, url, headers=outgoing, data=body() if has_body else None, allow_redirects=False
                )
            except aiohttp.ConnectionTimeoutError:
                breaker.record_failure()
                if attempt < attempts and breaker.state is BreakerState.CLOSED:
                    continue
                await _refuse(send, upstream, _unreachable(upstream), path)
                return
            except (TimeoutError, aiohttp.ServerTimeoutError):
                breaker.record_failure()
                await _refuse(send, upstream, _too_slow(upstream), path)
                return
            except (aiohttp.ClientError, _BodyAbandoned, OSError) as exc:
                if too_large or client_gone:
                    breaker.release_probe()
                    if too_large:
                        await _refuse(send, upstream, PayloadTooLarge.over(max_body_bytes), path)
                    return
                breaker.record_failure()
                if attempt < attempts and breaker.state is BreakerState.CLOSED:
                    continue
                log.warning("upstream_unreachable", upstream=upstream.name, error_type=type(exc).__name__)
                await _refuse(send, upstream, _unreachable(upstream), path)
                return
            await self._relay(
                response, send, breaker_ok=response.status not in BREAKER_FAILURE_STATUS, upstream=upstream, path=path
            )
            return

    async def _relay(
        self, response: aiohttp.ClientResponse, send: Send, *, breaker_ok: bool, upstream: Upstream, path: str
    ) -> None:
        breaker = upstream.breaker
        started = False
        try:
            raw_headers = response_headers(response.raw_headers)
            length = response.content_length
            if length is not None and length <= BUFFER_LIMIT:
                payload = await response.read()
                started = True
                await send({"type": "http.response.start", "status": response.status, "headers": raw_headers})
                await send({"type": "http.response.body", "body": payload, "more_body": False})
            else:
                started = True
                await send({"type": "http.response.start", "status": response.status, "headers": raw_headers})
                async for chunk in response.content.iter_any():
                    await send({"type": "http.response.body", "body": chunk, "more_body": True})
                await send({"type": "http.response.body", "body": b"", "more_body": False})
        except (TimeoutError, aiohttp.ClientError) as exc:
            breaker.record_failure()
            log.warning("upstream_body_failed", upstream=upstream.name, error_type=type(exc).__name__)
            if started:
                raise  # the status line is out; all that is left is to cut the connection
            unfinished = UpstreamTimeout(f"The {upstream.name} service did not finish its answer.")
            await _refuse(send, upstream, unfinished, path)
            return
        finally:
            response.release()
        if breaker_ok:
            breaker.record_success()
        else:
            breaker.record_failure()


async def _refuse(send: Send, upstream: Upstream, error: DomainError, instance: str) -> None:
    """Answer for the upstream, and count why (the gateway's own alerts read these counters)."""
    REFUSALS.labels(upstream.name, error.slug).inc()
    await send_problem(send, error, instance)


def _unreachable(upstream: Upstream) -> UpstreamUnavailable:
    return UpstreamUnavailable(f"The {upstream.name} service cannot be reached.")


def _too_slow(upstream: Upstream) -> UpstreamTimeout:
    return UpstreamTimeout(f"The {upstream.name} service did not answer in time.")
