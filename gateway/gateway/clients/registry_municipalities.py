"""Whether the registry knows a municipality: a client is only created for a tenant that exists."""

from __future__ import annotations

import aiohttp

from servicekit.domain_errors import InvalidField, ServiceUnavailable

LOOKUP_TIMEOUT = aiohttp.ClientTimeout(total=5.0)


async def require_municipality(
    session: aiohttp.ClientSession, registry_url: str, code: str, *, authorization: str
) -> None:
    """Nothing when the registry has `code`; 422 naming `tenant` when it has not, 503 when it cannot say.

    The caller's own admin token asks: a municipality's admin sees its own municipality."""
    try:
        async with session.get(
            f"{registry_url}/v1/municipalities/{code}",
            headers={"Authorization": authorization},
            timeout=LOOKUP_TIMEOUT,
        ) as response:
            status = response.status
    except (TimeoutError, aiohttp.ClientError) as exc:
        raise ServiceUnavailable("The registry could not confirm the municipality; retry.", retry_after=2) from exc
    if status in (403, 404):
        raise InvalidField("tenant", f"no municipality {code} in the registry", code="unknown_municipality")
    if status != 200:
        raise ServiceUnavailable("The registry could not confirm the municipality; retry.", retry_after=2)
