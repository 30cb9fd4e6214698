"""Readiness beyond the database: every upstream answers its /healthz."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import Any

import aiohttp

PROBE_TIMEOUT = aiohttp.ClientTimeout(total=1.0)


async def _probe(session: aiohttp.ClientSession, base_url: str) -> str:
    try:
        async with session.get(f"{base_url}/healthz", timeout=PROBE_TIMEOUT) as response:
            return "ok" if response.status == 200 else f"status {response.status}"
    except (TimeoutError, aiohttp.ClientError) as exc:
        return f"unreachable: {type(exc).__name__}"


async def upstreams_ready(session: aiohttp.ClientSession, base_urls: Mapping[str, str]) -> dict[str, Any]:
    """One `upstream:<name>` check per service and `ready` when all answered."""
    names = list(base_urls)
    results = await asyncio.gather(*(_probe(session, base_urls[name]) for name in names))
    checks: dict[str, Any] = {f"upstream:{name}": result for name, result in zip(names, results, strict=True)}
    checks["ready"] = all(result == "ok" for result in results)
    return checks
