"""The gateway's own error kinds (statuses mapped to problem+json by servicekit's one table)."""

from __future__ import annotations

from servicekit.domain_errors import DomainError


class UnsupportedMediaType(DomainError):
    status, slug, title = 415, "unsupported-media-type", "Unsupported media type"


class InvalidTokenRequest(DomainError):
    """RFC 6749 §5.2 errors other than invalid_client; `error=` carries the OAuth2 code."""

    status, slug, title = 400, "invalid-token-request", "Invalid token request"
