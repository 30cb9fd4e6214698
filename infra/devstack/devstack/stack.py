"""The whole stack as child processes: PostgreSQL, gateway, registry, matching, outcomes, webhooks.

Used by `make run` (devstack.run) and by the end-to-end tests, so both exercise the same wiring.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import httpx

from .databases import ROOT, ServiceDatabase, prepare
from .postgres import PostgresServer, free_port
from .secrets import load_or_create

SERVICES = ("registry", "matching", "outcomes", "webhooks")
APPS = {
    "gateway": "gateway.main:create_app",
    "registry": "registry.main:create_app",
    "matching": "matching.main:create_app",
    "outcomes": "outcomes.main:create_app",
    "webhooks": "webhooks.main:create_app",
}


@dataclass
class Process:
    name: str
    port: int
    popen: subprocess.Popen[bytes]
    log_path: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


@dataclass
class StackConfig:
    gateway_port: int = 8000
    database_prefix: str = "brobygger"
    data_dir: Path | None = None  # embedded PostgreSQL data; None = throwaway
    secrets_path: Path | None = None
    log_dir: Path = field(default_factory=lambda: ROOT / ".run" / "logs")
    admin_client_id: str | None = None
    admin_client_secret: str | None = None
    esco_dir: str | None = None
    cors_origins: list[str] = field(default_factory=lambda: ["http://localhost:3000", "http://localhost:5173"])
    redis_url: str | None = None
    admin_url: str | None = None  # an already running server to use (tests); None: DATABASE_URL or embedded
    force_embedded: bool = False  # fault tests restart the server, so they never share one
    service_ports: dict[str, int] = field(default_factory=dict)
    extra_env: dict[str, dict[str, str]] = field(default_factory=dict)
    # uvicorn worker processes per service (benchmarks scale the registry); 1 when absent.
    workers: dict[str, int] = field(default_factory=dict)
    # `make run` with the demo: the gateway's /readyz waits for this file, written by
    # `mark_ready()` once the demo is loaded and the followers have applied the feed to its head.
    ready_marker: Path | None = None


def _answers_ok(answer: httpx.Response) -> bool:
    return answer.status_code == 200


class Stack:
    """Start with `start()`, stop everything it started with `stop()` (also on errors)."""

    def __init__(self, config: StackConfig) -> None:
        self.config = config
        self.postgres = PostgresServer(
            config.data_dir, admin_url=config.admin_url, force_embedded=config.force_embedded
        )
        self.secrets = load_or_create(config.secrets_path)
        if config.admin_client_id and config.admin_client_secret:
            self.secrets["admin_client_id"] = config.admin_client_id
            self.secrets["admin_client_secret"] = config.admin_client_secret
        self.databases: dict[str, ServiceDatabase] = {}
        self.processes: dict[str, Process] = {}
        self.ports: dict[str, int] = {}
        self.service_clients: dict[str, tuple[str, str]] = {}

    # -- lifecycle -------------------------------------------------------------------------
    def start(self) -> Stack:
        try:
            self.postgres.__enter__()
            for name in ("gateway", *SERVICES):
                self.databases[name] = prepare(name, self.postgres.admin_url, f"{self.config.database_prefix}_{name}")
            self.ports = {"gateway": self.config.gateway_port}
            for name in SERVICES:
                self.ports[name] = self.config.service_ports.get(name) or free_port()
            self._spawn("gateway")
            self._wait_alive("gateway")
            self._create_service_clients()
            for name in SERVICES:
                self._spawn(name)
            for name in ("registry", "outcomes", "matching", "webhooks"):
                self._wait_ready(name)
            if self.config.ready_marker is None:
                self._wait_ready("gateway")
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self) -> None:
        for proc in reversed(list(self.processes.values())):
            if proc.popen.poll() is None:
                self._signal(proc.name, signal.SIGTERM)
        deadline = time.monotonic() + 15
        for proc in self.processes.values():
            try:
                proc.popen.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                self._signal(proc.name, signal.SIGKILL)
                proc.popen.wait()
        self.processes.clear()
        self.postgres.__exit__(None, None, None)

    # -- processes -------------------------------------------------------------------------
    @property
    def gateway_url(self) -> str:
        return f"http://127.0.0.1:{self.ports['gateway']}"

    def url(self, name: str) -> str:
        return f"http://127.0.0.1:{self.ports[name]}"

    def env_for(self, name: str) -> dict[str, str]:
        s = self.secrets
        prefix = name.upper() + "_"
        common = {
            "DATABASE_URL": self.databases[name].app_url,
            "JWKS_URL": f"{self.gateway_url}/.well-known/jwks.json",
            "CURSOR_KEY": s["cursor_key"],
            "CORS_ORIGINS": json.dumps(self.config.cors_origins),
            "LOG_JSON": "true",
        }
        env = {prefix + k: v for k, v in common.items()}
        if name == "gateway" and self.config.ready_marker is not None:
            self.config.ready_marker.unlink(missing_ok=True)
            env["GATEWAY_READY_MARKER"] = str(self.config.ready_marker)
        if name == "gateway":
            env.update(
                {
                    "GATEWAY_SIGNING_KEYS": s["signing_key_pem"],
                    "GATEWAY_ADMIN_CLIENT_ID": s["admin_client_id"],
                    "GATEWAY_ADMIN_CLIENT_SECRET": s["admin_client_secret"],
                    "GATEWAY_REGISTRY_URL": self.url("registry"),
                    "GATEWAY_MATCHING_URL": self.url("matching"),
                    "GATEWAY_OUTCOMES_URL": self.url("outcomes"),
                    "GATEWAY_WEBHOOKS_URL": self.url("webhooks"),
                }
            )
            env.pop("GATEWAY_JWKS_URL")
            if self.config.redis_url:
                env["GATEWAY_REDIS_URL"] = self.config.redis_url
        else:
            client_id, client_secret = self.service_clients[name]
            env.update(
                {
                    prefix + "TOKEN_URL": f"{self.gateway_url}/v1/auth/token",
                    prefix + "SERVICE_CLIENT_ID": client_id,
                    prefix + "SERVICE_CLIENT_SECRET": client_secret,
                }
            )
        if name == "registry":
            env.update(
                {
                    "REGISTRY_NATIONAL_ID_HMAC_KEY": s["national_id_hmac_key"],
                    "REGISTRY_NATIONAL_ID_ENCRYPTION_KEYS": json.dumps(s["national_id_encryption_keys"]),
                    "REGISTRY_NATIONAL_ID_ACTIVE_KEY_ID": s["national_id_active_key_id"],
                }
            )
        if name in ("matching", "outcomes"):
            env[prefix + "REGISTRY_URL"] = self.url("registry")
        if name == "registry":  # its followers: asked for a citizen's export and an erasure's status
            env["REGISTRY_MATCHING_URL"] = self.url("matching")
            env["REGISTRY_OUTCOMES_URL"] = self.url("outcomes")
        if name == "matching":
            env["MATCHING_OUTCOMES_URL"] = self.url("outcomes")
        if name == "webhooks":
            env.update(
                {f"WEBHOOKS_{source.upper()}_URL": self.url(source) for source in ("registry", "outcomes", "matching")}
            )
            # A local stack delivers to receivers on this machine (http to loopback), as in development.
            env["WEBHOOKS_ALLOW_LOOPBACK_HTTP"] = "true"
        if self.config.esco_dir and name in ("registry", "matching"):
            env["ESCO_DIR"] = self.config.esco_dir
        env.update(self.config.extra_env.get(name, {}))
        return env

    def _spawn(self, name: str) -> None:
        self.config.log_dir.mkdir(parents=True, exist_ok=True)
        log_path = self.config.log_dir / f"{name}.log"
        log: IO[bytes] = log_path.open("ab")
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("GATEWAY_", "REGISTRY_", "MATCHING_", "OUTCOMES_", "WEBHOOKS_"))
        }
        env.pop("DATABASE_URL", None)
        env.update(self.env_for(name))
        command = [
            sys.executable,
            "-m",
            "uvicorn",
            APPS[name],
            "--factory",
            "--host",
            "127.0.0.1",
            "--port",
            str(self.ports[name]),
            "--no-access-log",
            "--no-server-header",
            "--timeout-graceful-shutdown",
            "5",
        ]
        workers = self.config.workers.get(name, 1)
        if workers > 1:
            command += ["--workers", str(workers)]
        # Several workers run under a supervisor in a process group of their own, so that stopping
        # or killing the service reaches every worker (a killed supervisor would orphan them).
        popen = subprocess.Popen(
            command, env=env, stdout=log, stderr=subprocess.STDOUT, cwd=ROOT, start_new_session=workers > 1
        )
        log.close()
        self.processes[name] = Process(name, self.ports[name], popen, log_path)

    def restart(self, name: str) -> None:
        self.kill(name)
        self._spawn(name)
        self._wait_ready(name)

    def kill(self, name: str, sig: int = signal.SIGKILL) -> None:
        proc = self.processes[name]
        if proc.popen.poll() is None:
            self._signal(name, sig)
            proc.popen.wait(timeout=15)

    def _signal(self, name: str, sig: int) -> None:
        proc = self.processes[name]
        if self.config.workers.get(name, 1) > 1:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.popen.pid, sig)
        else:
            proc.popen.send_signal(sig)

    def _wait(
        self, name: str, path: str, timeout: float, accept: Callable[[httpx.Response], bool] = _answers_ok
    ) -> None:
        """Poll `name`'s `path` until `accept` holds for the answer (a bounded poll); a process that
        exits meanwhile fails at once with its log's tail."""
        proc = self.processes[name]
        deadline = time.monotonic() + timeout
        last: Any = None
        while time.monotonic() < deadline:
            if proc.popen.poll() is not None:
                raise RuntimeError(
                    f"{name} exited with {proc.popen.returncode}; see {proc.log_path}:\n{tail(proc.log_path)}"
                )
            try:
                last = httpx.get(proc.url + path, timeout=2.0)
                if accept(last):
                    return
            except (httpx.HTTPError, KeyError, ValueError) as exc:
                last = exc
            time.sleep(0.2)
        raise TimeoutError(f"{name} not ready after {timeout}s ({last!r}); see {proc.log_path}:\n{tail(proc.log_path)}")

    def mark_ready(self, timeout: float = 300) -> None:
        """After loading data: wait until matching and outcomes applied the registry's feed up to
        its present head, then let the gateway's /readyz say ready (the marker file)."""
        registry_id, registry_secret = self.service_clients["registry"]
        headers = {"Authorization": f"Bearer {self.token(registry_id, registry_secret)}"}
        changes = httpx.get(f"{self.url('registry')}/internal/v1/changes", params={"limit": 1}, headers=headers)
        changes.raise_for_status()
        head = int(changes.json()["head"])

        def caught_up(answer: httpx.Response) -> bool:
            return int(answer.json()["checks"]["feeds"]["registry"]["position"]) >= head

        for name in ("matching", "outcomes"):
            self._wait(name, "/readyz", timeout, accept=caught_up)
        assert self.config.ready_marker is not None
        self.config.ready_marker.write_text(f"feed head {head}\n")
        self._wait_ready("gateway")

    def _wait_alive(self, name: str, timeout: float = 60) -> None:
        self._wait(name, "/healthz", timeout)

    def _wait_ready(self, name: str, timeout: float = 180) -> None:
        self._wait(name, "/readyz", timeout)

    # -- clients ---------------------------------------------------------------------------
    def admin_token(self) -> str:
        return self.token(self.secrets["admin_client_id"], self.secrets["admin_client_secret"])

    def token(self, client_id: str, client_secret: str) -> str:
        response = httpx.post(
            f"{self.gateway_url}/v1/auth/token",
            data={"grant_type": "client_credentials"},
            auth=(client_id, client_secret),
            timeout=10,
        )
        response.raise_for_status()
        return str(response.json()["access_token"])

    def create_client(self, name: str, tenant: str, scopes: list[str]) -> tuple[str, str]:
        response = httpx.post(
            f"{self.gateway_url}/v1/clients",
            json={"name": name, "tenant": tenant, "scopes": scopes},
            headers={"Authorization": f"Bearer {self.admin_token()}"},
            timeout=10,
        )
        response.raise_for_status()
        body = response.json()
        return str(body["client_id"]), str(body["client_secret"])

    def _create_service_clients(self) -> None:
        for name in ("matching", "outcomes", "registry", "webhooks"):
            self.service_clients[name] = self.create_client(f"{name}-service", "*", ["internal"])


def tail(path: Path, lines: int = 30) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""
