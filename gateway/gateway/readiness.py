"""Readiness beyond the database: every upstream answers its /healthz."""

from __future__ import annotations

import asyncio
from typing import Any

import aiohttp
from fastapi import Request

from .proxy.forwarder import Forwarder

PROBE_TIMEOUT = aiohttp.ClientTimeout(total=1.0)


async def _probe(session: aiohttp.ClientSession, base_url: str) -> str:
    try:
        async with session.get(f"{base_url}/healthz", timeout=PROBE_TIMEOUT) as response:
            return "ok" if response.status == 200 else f"status {response.status}"
    except (TimeoutError, aiohttp.ClientError) as exc:
        return f"unreachable: {type(exc).__name__}"


async def upstreams_ready(request: Request) -> dict[str, Any]:
    forwarder: Forwarder = request.app.state.forwarder
    names = list(forwarder.upstreams)
    results = await asyncio.gather(*(_probe(forwarder.session, forwarder.upstreams[n].base_url) for n in names))
    checks: dict[str, Any] = {f"upstream:{name}": result for name, result in zip(names, results, strict=True)}
    checks["ready"] = all(result == "ok" for result in results)
    return checks
