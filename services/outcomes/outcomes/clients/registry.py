"""The registry, as this service reaches it: its change feed, with a client-credentials token."""

from __future__ import annotations

import httpx

from outcomes.settings import Settings
from servicekit.http import ClientCredentialsToken, ServiceClient


def registry_client(settings: Settings, transport: httpx.AsyncBaseTransport | None = None) -> ServiceClient:
    """One shared client for the feed; a token only when the service has client credentials."""
    assert settings.registry_url is not None
    token = None
    if settings.token_url and settings.service_client_id and settings.service_client_secret:
        token = ClientCredentialsToken(
            settings.token_url, settings.service_client_id, settings.service_client_secret.get_secret_value()
        )
    return ServiceClient(settings.registry_url, token=token, transport=transport)
