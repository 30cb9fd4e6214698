"""Gateway test fixtures: real processes on loopback.

Stub upstreams (tests/support/stub_upstream.py) and the gateway itself run under uvicorn as
child processes; the gateway's database is a real PostgreSQL database migrated with alembic.
"""

from __future__ import annotations

import asyncio
import importlib
import os
import secrets
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from devstack.databases import ServiceDatabase, drop_database, prepare
from devstack.postgres import free_port
from servicekit.claims import AUDIENCE, ISSUER, access_claims


def _use_the_gateway_package() -> None:
    """pytest (importlib mode) names this file `gateway.tests.conftest` after its folder and
    registers the repository's gateway/ folder as a namespace module `gateway`, which hides the
    real package of that name; put the real one (from sys.path) back before anything imports it."""
    module = sys.modules.get("gateway")
    if module is not None and getattr(module, "__file__", None) is None:
        del sys.modules["gateway"]
        importlib.import_module("gateway")


_use_the_gateway_package()

SUPPORT = Path(__file__).parent / "support"
READY_TIMEOUT = 60.0  # two gateways starting at once on a loaded 2-core machine took over 30 s
ADMIN_ID = "test-bootstrap-admin"
ADMIN_SECRET = secrets.token_urlsafe(24)


def child_env(extra: dict[str, str]) -> dict[str, str]:
    env = {
        k: v for k, v in os.environ.items() if not k.startswith("GATEWAY_") and k not in {"REDIS_URL", "DATABASE_URL"}
    }
    env["PYTHONPATH"] = os.pathsep.join(p for p in sys.path if p)
    env.update(extra)
    return env


def wait_until_ready(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    """Bounded readiness poll of a child process's /healthz."""
    deadline = time.monotonic() + READY_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{url} exited with {process.returncode}:\n{log.read_text()[-4000:]}")
        try:
            if httpx.get(f"{url}/healthz", timeout=0.5).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.05)
    raise RuntimeError(f"{url} did not become ready:\n{log.read_text()[-4000:]}")


@dataclass
class ServerProcess:
    """A uvicorn child process on a fixed loopback port, which can be stopped and started again."""

    app: list[str]
    env: dict[str, str]
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None
    log: Path = field(default_factory=lambda: Path(tempfile.mkstemp(prefix="gateway-test-", suffix=".log")[1]))

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def launch(self) -> ServerProcess:
        command = [sys.executable, "-m", "uvicorn", *self.app, "--host", "127.0.0.1", "--port", str(self.port)]
        command += ["--log-level", "warning", "--no-access-log", "--timeout-graceful-shutdown", "1"]
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(command, env=child_env(self.env), stdout=log, stderr=subprocess.STDOUT)
        return self

    def wait_ready(self) -> ServerProcess:
        assert self.process is not None
        wait_until_ready(self.url, self.process, self.log)
        return self

    def start(self) -> ServerProcess:
        return self.launch().wait_ready()

    def stop(self) -> None:
        if self.process is None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.process = None


def stub_upstream(service: str) -> ServerProcess:
    return ServerProcess(["--app-dir", str(SUPPORT), "stub_upstream:app"], {"STUB_SERVICE": service})


def start_stubs() -> dict[str, ServerProcess]:
    """One stub per service, started in parallel."""
    servers = {name: stub_upstream(name).launch() for name in ("registry", "matching", "outcomes", "webhooks")}
    return {name: server.wait_ready() for name, server in servers.items()}


@pytest.fixture(scope="session")
def signing_pem() -> str:
    from gateway.domain.signing import private_pem

    return private_pem(Ed25519PrivateKey.generate())


@pytest.fixture(scope="session")
def signing_keys(signing_pem: str) -> Any:
    from gateway.domain.signing import SigningKeys

    return SigningKeys.from_pems(signing_pem)


@pytest.fixture(scope="session")
def gateway_database(postgres_admin_url: str) -> Iterator[ServiceDatabase]:
    database = prepare("gateway", postgres_admin_url, f"gateway_test_{uuid.uuid4().hex[:10]}")
    yield database
    asyncio.run(drop_database(postgres_admin_url, database.name))


@pytest.fixture(scope="session")
def stubs() -> Iterator[dict[str, ServerProcess]]:
    servers = start_stubs()
    yield servers
    for server in servers.values():
        server.stop()


GatewayFactory = Callable[..., ServerProcess]


@pytest.fixture(scope="session")
def start_gateway(gateway_database: ServiceDatabase, signing_pem: str) -> Iterator[GatewayFactory]:
    """Starts gateway processes on the test database; every one is stopped at the end."""
    started: list[ServerProcess] = []

    def start(upstreams: dict[str, ServerProcess], *, wait: bool = True, **settings: str) -> ServerProcess:
        env = {
            "GATEWAY_DATABASE_URL": gateway_database.app_url,
            "GATEWAY_REGISTRY_URL": upstreams["registry"].url,
            "GATEWAY_MATCHING_URL": upstreams["matching"].url,
            "GATEWAY_OUTCOMES_URL": upstreams["outcomes"].url,
            "GATEWAY_WEBHOOKS_URL": upstreams["webhooks"].url,
            "GATEWAY_SIGNING_KEYS": signing_pem,
            "GATEWAY_ADMIN_CLIENT_ID": ADMIN_ID,
            "GATEWAY_ADMIN_CLIENT_SECRET": ADMIN_SECRET,
            "GATEWAY_RATE_LIMIT": "100000/minute",
            "GATEWAY_TOKEN_FAILURE_LIMIT": "100000/minute",
            "GATEWAY_UPSTREAM_TIMEOUT": "1.0",
            "GATEWAY_UPSTREAM_CONNECT_TIMEOUT": "1.0",
            "GATEWAY_MAX_BODY_BYTES": "1000000",
            "GATEWAY_CORS_ORIGINS": '["https://app.brobygger.example"]',
            "GATEWAY_LOG_LEVEL": "WARNING",
        }
        env.update({f"GATEWAY_{key.upper()}": value for key, value in settings.items()})
        server = ServerProcess(["--factory", "gateway.main:create_app"], env)
        started.append(server)
        server.launch()
        return server.wait_ready() if wait else server

    yield start
    for server in started:
        server.stop()


@pytest.fixture(scope="session")
def gateway(start_gateway: GatewayFactory, stubs: dict[str, ServerProcess]) -> ServerProcess:
    """The shared gateway in front of the three healthy stubs."""
    return start_gateway(stubs)


@pytest.fixture
async def client(gateway: ServerProcess) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=gateway.url, timeout=10.0) as http:
        yield http


async def fetch_token(http: httpx.AsyncClient, client_id: str, secret: str, scope: str | None = None) -> str:
    form = {"grant_type": "client_credentials"}
    if scope is not None:
        form["scope"] = scope
    response = await http.post("/v1/auth/token", data=form, auth=(client_id, secret))
    assert response.status_code == 200, response.text
    return str(response.json()["access_token"])


@pytest.fixture
async def admin_token(client: httpx.AsyncClient) -> str:
    return await fetch_token(client, ADMIN_ID, ADMIN_SECRET)


@pytest.fixture
def admin_headers(admin_token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {admin_token}"}


def claims(**overrides: Any) -> dict[str, Any]:
    base: dict[str, Any] = access_claims(
        "minted-client",
        "DK-0336",
        ["citizens:read"],
        issuer=ISSUER,
        audience=AUDIENCE,
        issued_at=int(time.time()),
        ttl_seconds=300,
    )
    base.update(overrides)
    return base


@pytest.fixture
def mint(signing_keys: Any) -> Callable[..., str]:
    """Tokens signed with the gateway's own key, with any claims (expired, wrong audience…)."""

    def make(**overrides: Any) -> str:
        return signing_keys.sign(claims(**overrides))

    return make


@pytest.fixture(scope="module")
def module_stubs() -> Iterator[dict[str, ServerProcess]]:
    """Stubs for one test module that stops and hangs them."""
    servers = start_stubs()
    yield servers
    for server in servers.values():
        server.stop()


@pytest.fixture
def admin_credentials() -> tuple[str, str]:
    return ADMIN_ID, ADMIN_SECRET


@pytest.fixture
def get_token() -> Callable[..., Any]:
    """`await get_token(http, client_id, secret, scope=None)` → an access token."""
    return fetch_token


@pytest.fixture
def new_client(client: httpx.AsyncClient, admin_headers: dict[str, str]) -> Callable[..., Any]:
    """`await new_client(scopes=[...], tenant=...)` → the created client's JSON (with its secret)."""

    async def create(*, scopes: list[str], tenant: str = "DK-0336", name: str = "test client") -> dict[str, Any]:
        response = await client.post(
            "/v1/clients", json={"name": name, "tenant": tenant, "scopes": scopes}, headers=admin_headers
        )
        assert response.status_code == 201, response.text
        return dict(response.json())

    return create
