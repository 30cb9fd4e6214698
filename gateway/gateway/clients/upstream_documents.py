"""Fetches each service's /openapi.json for the merged document, caching the ones that answered."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import aiohttp
import structlog

log = structlog.get_logger("gateway.openapi")
FETCH_TIMEOUT = aiohttp.ClientTimeout(total=3.0)


class UpstreamDocuments:
    def __init__(self, base_urls: dict[str, str], *, cache_seconds: float) -> None:
        self.base_urls = base_urls
        self.cache_seconds = cache_seconds
        self._cache: dict[str, tuple[float, dict[str, Any]]] = {}

    async def _fetch(self, session: aiohttp.ClientSession, name: str) -> dict[str, Any] | None:
        cached = self._cache.get(name)
        if cached is not None and time.monotonic() - cached[0] < self.cache_seconds:
            return cached[1]
        try:
            async with session.get(f"{self.base_urls[name]}/openapi.json", timeout=FETCH_TIMEOUT) as response:
                if response.status != 200:
                    raise aiohttp.ClientResponseError(response.request_info, (), status=response.status)
                document = await response.json(content_type=None)
        except (TimeoutError, aiohttp.ClientError, ValueError) as exc:
            log.warning("upstream_openapi_unavailable", upstream=name, error_type=type(exc).__name__)
            return cached[1] if cached else None
        if not isinstance(document, dict):
            return None
        self._cache[name] = (time.monotonic(), document)
        return document

    async def fetch_all(self, session: aiohttp.ClientSession) -> tuple[dict[str, dict[str, Any]], list[str]]:
        """The documents that could be had, and the names of the services that did not answer."""
        names = list(self.base_urls)
        results = await asyncio.gather(*(self._fetch(session, name) for name in names))
        documents = {name: doc for name, doc in zip(names, results, strict=True) if doc is not None}
        return documents, [name for name in names if name not in documents]
