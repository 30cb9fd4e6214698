"""The registry, as this service reaches it: its change feed, with a client-credentials token."""

from __future__ import annotations

import httpx

from outcomes.settings import Settings
from servicekit.http import ServiceClient


def registry_client(settings: Settings, transport: httpx.AsyncBaseTransport | None = None) -> ServiceClient:
    """One shared client for the feed; a token only when the service has client credentials."""
    assert settings.registry_url is not None
    return ServiceClient(settings.registry_url, token=settings.service_token(), transport=transport)
