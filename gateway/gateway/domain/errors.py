"""The gateway's own error kinds (statuses mapped to problem+json by servicekit's one table)."""

from __future__ import annotations

from servicekit.domain_errors import DomainError


class UnsupportedMediaType(DomainError, status=415, slug="unsupported-media-type", title="Unsupported media type"): ...


class InvalidTokenRequest(DomainError, status=400, slug="invalid-token-request", title="Invalid token request"):
    """RFC 6749 §5.2 errors other than invalid_client; `error=` carries the OAuth2 code."""
