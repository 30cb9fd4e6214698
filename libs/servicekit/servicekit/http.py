"""The HTTP client for service-to-service calls: timeouts, a service token, safe retries."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import httpx
import stamina
from asgi_correlation_id.context import correlation_id

IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})
RETRYABLE_STATUS = frozenset({502, 503, 504})


class UpstreamStatusError(Exception):
    def __init__(self, response: httpx.Response) -> None:
        super().__init__(f"{response.request.method} {response.request.url.path} -> {response.status_code}")
        self.response = response


class ClientCredentialsToken:
    """Fetches and caches a token from the gateway's token endpoint (OAuth2 client credentials)."""

    def __init__(self, token_url: str, client_id: str, client_secret: str, *, scope: str = "internal") -> None:
        self.token_url = token_url
        self.client_id = client_id
        self.client_secret = client_secret
        self.scope = scope
        self._token: str | None = None
        self._expires_at = 0.0
        self._lock = asyncio.Lock()

    async def get(self, client: httpx.AsyncClient) -> str:
        async with self._lock:
            if self._token is None or time.monotonic() > self._expires_at - 30:
                response = await client.post(
                    self.token_url,
                    data={"grant_type": "client_credentials", "scope": self.scope},
                    auth=(self.client_id, self.client_secret),
                )
                response.raise_for_status()
                payload = response.json()
                self._token = str(payload["access_token"])
                self._expires_at = time.monotonic() + float(payload.get("expires_in", 300))
            return self._token


class StaticToken:
    """A fixed token (tests, or a deployment that injects one)."""

    def __init__(self, token: str) -> None:
        self.token = token

    async def get(self, client: httpx.AsyncClient) -> str:
        return self.token


TokenSource = ClientCredentialsToken | StaticToken


class ServiceClient:
    """One shared client per upstream, created at start-up and closed at shutdown."""

    def __init__(
        self,
        base_url: str,
        *,
        token: TokenSource | None = None,
        timeout: float = 10.0,
        attempts: int = 3,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.http = httpx.AsyncClient(
            base_url=base_url, timeout=httpx.Timeout(timeout, connect=2.0), transport=transport
        )
        self.token = token
        self.attempts = attempts

    async def aclose(self) -> None:
        await self.http.aclose()

    async def _send_once(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        headers = dict(kwargs.pop("headers", None) or {})
        if self.token is not None:
            headers["Authorization"] = f"Bearer {await self.token.get(self.http)}"
        request_id = correlation_id.get()
        if request_id:
            headers.setdefault("X-Request-ID", request_id)
        response = await self.http.request(method, url, headers=headers, **kwargs)
        if response.status_code in RETRYABLE_STATUS:
            raise UpstreamStatusError(response)
        return response

    async def request(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        """Send; retry transport errors and 502/503/504 only when the method is idempotent."""
        method = method.upper()
        if method not in IDEMPOTENT_METHODS and "Idempotency-Key" not in (kwargs.get("headers") or {}):
            try:
                return await self._send_once(method, url, **kwargs)
            except UpstreamStatusError as exc:
                return exc.response
        try:
            async for attempt in stamina.retry_context(
                on=(httpx.TransportError, UpstreamStatusError), attempts=self.attempts, wait_initial=0.1, wait_max=2.0
            ):
                with attempt:
                    return await self._send_once(method, url, **kwargs)
        except UpstreamStatusError as exc:
            return exc.response
        raise AssertionError("unreachable")  # pragma: no cover

    async def get_json(self, url: str, **kwargs: Any) -> Any:
        response = await self.request("GET", url, **kwargs)
        response.raise_for_status()
        return response.json()
