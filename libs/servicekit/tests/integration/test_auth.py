from __future__ import annotations

import asyncio
import http.server
import threading
import time

import jwt
import pytest

from servicekit.auth import JwksVerifier
from servicekit.errors import Unauthenticated
from servicekit.testing import TokenFactory


@pytest.fixture
def factory() -> TokenFactory:
    return TokenFactory()


@pytest.fixture
def verifier(factory: TokenFactory) -> JwksVerifier:
    return JwksVerifier(issuer="brobygger", audience="brobygger-api", jwks_json=factory.jwks_json)


async def test_valid_token_gives_principal(factory: TokenFactory, verifier: JwksVerifier) -> None:
    principal = await verifier.verify(factory.token(tenant="DK-0336", scopes=["citizens:read"]))
    assert principal.tenant == "DK-0336"
    assert principal.has("citizens:read")
    assert not principal.has("citizens:write")


@pytest.mark.parametrize(
    "make_token",
    [
        lambda f: f.token(expires_in=-10),
        lambda f: f.token(audience="someone-else"),
        lambda f: f.token(issuer="evil"),
        lambda f: f.token()[:-4] + "AAAA",
        lambda f: TokenFactory(kid=f.kid).token(),  # same kid, another key
        lambda f: jwt.encode({"sub": "x", "tenant": "*", "scope": "admin"}, None, algorithm="none"),
        lambda f: "not-a-jwt",
    ],
    ids=["expired", "wrong-audience", "wrong-issuer", "tampered", "other-key", "alg-none", "garbage"],
)
async def test_bad_tokens_are_rejected(factory: TokenFactory, verifier: JwksVerifier, make_token) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(Unauthenticated):
        await verifier.verify(make_token(factory))


async def test_a_verified_token_is_served_from_the_cache_until_it_expires(
    factory: TokenFactory, verifier: JwksVerifier
) -> None:
    now = [time.time()]
    verifier.clock = lambda: now[0]
    token = factory.token(tenant="DK-0336", scopes=["citizens:read"], expires_in=60)
    first = await verifier.verify(token)
    assert await verifier.verify(token) is first  # no second signature check
    now[0] += 61
    with pytest.raises(Unauthenticated):
        await verifier.verify(token)  # expired: the cache never outlives the token


class JwksServer:
    """The gateway's JWKS endpoint on loopback, counting how often it is fetched."""

    def __init__(self, document: str) -> None:
        body = document.encode()
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                server.fetches += 1
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.fetches = 0
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/.well-known/jwks.json"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


async def test_requests_that_find_the_keys_stale_together_fetch_them_once(factory: TokenFactory) -> None:
    server = JwksServer(factory.jwks_json)
    try:
        verifier = JwksVerifier(issuer="brobygger", audience="brobygger-api", jwks_url=server.url)
        tokens = [factory.token(tenant="DK-0336", scopes=["citizens:read"], client_id=f"client-{i}") for i in range(20)]
        principals = await asyncio.gather(*(verifier.verify(token) for token in tokens))
        assert {p.client_id for p in principals} == {f"client-{i}" for i in range(20)}
        assert server.fetches == 1
    finally:
        server.close()
