"""proxy/headers.py: hop-by-hop headers stay behind in both directions."""

from __future__ import annotations

from gateway.proxy.headers import request_headers, response_headers


def test_request_headers() -> None:
    incoming = [
        (b"host", b"api.example"),
        (b"authorization", b"Bearer t"),
        (b"connection", b"keep-alive, X-Secret"),
        (b"x-secret", b"1"),
        (b"te", b"trailers"),
        (b"x-request-id", b"spoofed"),
        (b"x-forwarded-for", b"10.0.0.1"),
        (b"content-type", b"application/json"),
    ]
    out = request_headers(incoming, request_id="rid", client_ip="127.0.0.1", host="api.example", scheme="https")
    assert out == [
        ("authorization", "Bearer t"),
        ("content-type", "application/json"),
        ("X-Request-ID", "rid"),
        ("X-Forwarded-For", "10.0.0.1, 127.0.0.1"),
        ("X-Forwarded-Host", "api.example"),
        ("X-Forwarded-Proto", "https"),
    ]


def test_response_headers() -> None:
    raw = (
        (b"Content-Type", b"application/json"),
        (b"Transfer-Encoding", b"chunked"),
        (b"Connection", b"close, X-Hop"),
        (b"X-Hop", b"1"),
        (b"X-Request-ID", b"upstream"),
        (b"ETag", b'"3"'),
        (b"Access-Control-Allow-Origin", b"*"),
    )
    assert response_headers(raw) == [(b"Content-Type", b"application/json"), (b"ETag", b'"3"')]
