"""What a webhook URL must be: https, or plain http to a loopback address when development allows it."""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

from servicekit.domain_errors import FieldError, ValidationFailed

LOOPBACK_NAMES = {"localhost"}


def is_loopback(host: str) -> bool:
    if host.lower() in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _invalid(reason: str, code: str) -> ValidationFailed:
    return ValidationFailed(f"The webhook url {reason}.", errors=[FieldError("url", reason, code)])


def check_endpoint_url(url: str, *, allow_loopback_http: bool) -> str:
    """The url as given, or a 422 naming `url`: deliveries carry signed facts, so only https
    (a receiver on this machine over http in development)."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if not host:
        raise _invalid("must be an absolute URL with a host", "invalid_url")
    if parts.username or parts.password:
        raise _invalid("must not carry credentials", "credentials_in_url")
    if parts.scheme == "https":
        return url
    if parts.scheme == "http" and allow_loopback_http and is_loopback(host):
        return url
    raise _invalid("must use https (plain http only to a loopback address in development)", "https_required")
