"""Annotated dependency aliases for the gateway's endpoints."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from servicekit.state import state_dependency

from ..clients.upstream_documents import UpstreamDocuments
from ..domain.signing import SigningKeys
from ..proxy.forwarder import Forwarder
from ..proxy.ratelimit import ClientRateLimiter
from ..settings import Settings

SettingsDep = Annotated[Settings, Depends(state_dependency("settings"))]
SigningKeysDep = Annotated[SigningKeys, Depends(state_dependency("signing_keys"))]
# The proxy: its HTTP session and the services' base URLs (the registry's municipalities, the documents).
ForwarderDep = Annotated[Forwarder, Depends(state_dependency("forwarder"))]
UpstreamDocumentsDep = Annotated[UpstreamDocuments, Depends(state_dependency("upstream_documents"))]
# Failed token requests by address (the token endpoint's own rate limit).
TokenFailuresDep = Annotated[ClientRateLimiter, Depends(state_dependency("token_failures"))]
