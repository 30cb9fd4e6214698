"""The services whose feeds this service follows, each reached with a client-credentials token."""

from __future__ import annotations

import httpx

from servicekit.http import ClientCredentialsToken, ServiceClient
from webhooks.settings import Settings


def source_urls(settings: Settings) -> dict[str, str]:
    """The configured sources by name (registry, outcomes, matching)."""
    urls = {"registry": settings.registry_url, "outcomes": settings.outcomes_url, "matching": settings.matching_url}
    return {name: url for name, url in urls.items() if url}


def source_client(settings: Settings, url: str, transport: httpx.AsyncBaseTransport | None = None) -> ServiceClient:
    """One shared client per source; a token only when the service has client credentials."""
    token = None
    if settings.token_url and settings.service_client_id and settings.service_client_secret:
        token = ClientCredentialsToken(
            settings.token_url, settings.service_client_id, settings.service_client_secret.get_secret_value()
        )
    return ServiceClient(url, token=token, transport=transport)
