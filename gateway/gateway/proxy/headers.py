"""Which headers cross the proxy hop, in each direction."""

from __future__ import annotations

# RFC 9110 §7.6.1: hop-by-hop headers, meaningful only for one connection.
HOP_BY_HOP = frozenset(
    {
        b"connection",
        b"keep-alive",
        b"proxy-authenticate",
        b"proxy-authorization",
        b"proxy-connection",
        b"te",
        b"trailer",
        b"transfer-encoding",
        b"upgrade",
    }
)
# Set by the gateway itself on the way in.
REQUEST_REPLACED = HOP_BY_HOP | {
    b"host",
    b"x-request-id",
    b"x-forwarded-for",
    b"x-forwarded-host",
    b"x-forwarded-proto",
}
# The gateway's own middleware sets these on the way out; an upstream's copy would be a duplicate.
RESPONSE_REPLACED = HOP_BY_HOP | {
    b"x-request-id",
    b"server",
    b"date",
    b"access-control-allow-origin",
    b"access-control-allow-credentials",
    b"access-control-expose-headers",
    b"access-control-allow-methods",
    b"access-control-allow-headers",
    b"access-control-max-age",
    b"vary",
}


def _connection_tokens(headers: list[tuple[bytes, bytes]]) -> set[bytes]:
    """Headers named in `Connection` are hop-by-hop too."""
    tokens: set[bytes] = set()
    for name, value in headers:
        if name.lower() == b"connection":
            tokens.update(token.strip().lower() for token in value.split(b","))
    return tokens


def request_headers(
    headers: list[tuple[bytes, bytes]], *, request_id: str, client_ip: str | None, host: str | None, scheme: str
) -> list[tuple[str, str]]:
    """The request headers sent upstream, with the request id and X-Forwarded-* set."""
    extra = _connection_tokens(headers)
    forwarded_for = client_ip
    out: list[tuple[str, str]] = []
    for name, value in headers:
        lowered = name.lower()
        if lowered == b"x-forwarded-for" and client_ip:
            forwarded_for = f"{value.decode('latin-1')}, {client_ip}"
            continue
        if lowered in REQUEST_REPLACED or lowered in extra:
            continue
        out.append((name.decode("latin-1"), value.decode("latin-1")))
    out.append(("X-Request-ID", request_id))
    if forwarded_for:
        out.append(("X-Forwarded-For", forwarded_for))
    if host:
        out.append(("X-Forwarded-Host", host))
    out.append(("X-Forwarded-Proto", scheme))
    return out


def response_headers(raw: tuple[tuple[bytes, bytes], ...]) -> list[tuple[bytes, bytes]]:
    """The upstream's response headers the client gets."""
    extra = _connection_tokens(list(raw))
    return [
        (name, value)
        for name, value in raw
        if (lowered := name.lower()) not in RESPONSE_REPLACED and lowered not in extra
    ]
