"""The services whose feeds this service follows, each reached with a client-credentials token."""

from __future__ import annotations

import httpx

from servicekit.http import ServiceClient
from webhooks.settings import Settings


def source_urls(settings: Settings) -> dict[str, str]:
    """The configured sources by name (registry, outcomes, matching)."""
    urls = {"registry": settings.registry_url, "outcomes": settings.outcomes_url, "matching": settings.matching_url}
    return {name: url for name, url in urls.items() if url}


def source_clients(settings: Settings, transport: httpx.AsyncBaseTransport | None = None) -> dict[str, ServiceClient]:
    """One shared client per configured source, all asking with one token (one cache, one token
    request when it expires); no token when the service has no client credentials."""
    token = settings.service_token()
    return {name: ServiceClient(url, token=token, transport=transport) for name, url in source_urls(settings).items()}
