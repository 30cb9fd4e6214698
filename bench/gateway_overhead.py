"""Gateway overhead: the same request direct to a FastAPI service, through the gateway, and
through nginx as a plain reverse proxy, in one run.

    .venv/bin/python bench/gateway_overhead.py [--seconds 5] [--connections 32]

Starts a one-worker FastAPI upstream (uvicorn), the gateway (uvicorn, one worker, on PostgreSQL:
DATABASE_URL or an embedded server) and Debian's nginx (installed with apt-get if missing; one
worker, keep-alive to the upstream). The load generator is a minimal keep-alive HTTP/1.1 client
on asyncio (much lighter than any Python HTTP library, so it measures the servers, not itself).
For each target: latency on one connection (sequential requests: median and p99 of the bare
hop), then throughput with --connections concurrent connections for --seconds (req/s, and the
median and p99 under that load). Prints a table. Loopback only; every child is stopped at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from fastapi import FastAPI

ROOT = Path(__file__).resolve().parents[1]
PATH = "/v1/citizens/5f0c7a9e-7b1e-4c53-9a59-1d3c0d6c2b11"

# The upstream the three targets share: a small JSON document, as a registry read would return.
upstream_app = FastAPI()


@upstream_app.get("/healthz")
async def healthz() -> dict[str, str]:
    return {"status": "ok"}


@upstream_app.get("/v1/citizens/{citizen_id}")
async def citizen(citizen_id: str) -> dict[str, object]:
    return {
        "id": citizen_id,
        "municipality": "DK-0336",
        "target_group": "flexjob",
        "work_capacity_hours": 12,
        "skills": [{"code": "bb:skill:cleaning", "level": None}],
    }


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_http(port: int, path: str = "/healthz", timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    request = f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".encode()
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as sock:
                sock.sendall(request)
                if sock.recv(64).startswith(b"HTTP/1.1 200"):
                    return
        except OSError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"nothing answered 200 on port {port}{path}")


def child_env(extra: dict[str, str]) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GATEWAY_") and k != "REDIS_URL"}
    env["PYTHONPATH"] = os.pathsep.join(
        [
            str(ROOT / "gateway"),
            str(ROOT / "libs" / "servicekit"),
            str(ROOT / "infra" / "devstack"),
            env.get("PYTHONPATH", ""),
        ]
    )
    env.update(extra)
    return env


@contextmanager
def process(
    command: list[str], env: dict[str, str] | None = None, log: Path | None = None
) -> Iterator[subprocess.Popen[bytes]]:
    out = log.open("wb") if log else subprocess.DEVNULL
    child = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        yield child
    finally:
        child.terminate()
        try:
            child.wait(timeout=10)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()
        if log:
            out.close()  # type: ignore[union-attr]


def uvicorn(app: list[str], port: int) -> list[str]:
    return [
        sys.executable,
        "-m",
        "uvicorn",
        *app,
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--no-access-log",
        "--log-level",
        "warning",
        "--timeout-graceful-shutdown",
        "2",
    ]


def find_nginx() -> str:
    """Debian's nginx: on PATH or in /usr/sbin, else installed with apt-get."""
    found = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
    if found:
        return found
    print("nginx not found; installing Debian's package with apt-get …", flush=True)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "install", "-y", "--no-install-recommends", "nginx"], check=True, env=env)
    found = shutil.which("nginx") or "/usr/sbin/nginx"
    if not Path(found).exists():
        raise RuntimeError("apt-get finished but nginx is not installed")
    return found


def nginx_config(workdir: Path, listen: int, upstream: int) -> Path:
    for sub in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (workdir / sub).mkdir(exist_ok=True)
    user = "user root;" if os.geteuid() == 0 else ""
    config = workdir / "nginx.conf"
    config.write_text(f"""
{user}
worker_processes 1;
error_log {workdir}/error.log warn;
pid {workdir}/nginx.pid;
events {{ worker_connections 4096; }}
http {{
  access_log off;
  keepalive_requests 10000000;
  client_body_temp_path {workdir}/body;
  proxy_temp_path {workdir}/proxy;
  fastcgi_temp_path {workdir}/fastcgi;
  uwsgi_temp_path {workdir}/uwsgi;
  scgi_temp_path {workdir}/scgi;
  upstream service {{ server 127.0.0.1:{upstream}; keepalive 128; keepalive_requests 10000000; }}
  server {{
    listen 127.0.0.1:{listen};
    location / {{
      proxy_pass http://service;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $host;
      proxy_set_header X-Request-ID $request_id;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
    }}
  }}
}}
""")
    return config


class Connection:
    """One keep-alive HTTP/1.1 connection; responses must carry Content-Length."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, request: bytes) -> None:
        self.reader, self.writer, self.request = reader, writer, request

    @classmethod
    async def open(cls, port: int, headers: dict[str, str]) -> Connection:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        lines = [f"GET {PATH} HTTP/1.1", "Host: 127.0.0.1", *(f"{k}: {v}" for k, v in headers.items())]
        return cls(reader, writer, ("\r\n".join(lines) + "\r\n\r\n").encode())

    async def get(self) -> int:
        self.writer.write(self.request)
        head = await self.reader.readuntil(b"\r\n\r\n")
        status = int(head[9:12])
        length = 0
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value)
            elif name.strip().lower() == b"transfer-encoding":
                raise RuntimeError("chunked response; the bench expects Content-Length")
        await self.reader.readexactly(length)
        return status

    async def close(self) -> None:
        self.writer.close()
        await self.writer.wait_closed()


@dataclass
class Figures:
    name: str
    idle_p50: float
    idle_p99: float
    rps: float
    load_p50: float
    load_p99: float
    errors: int


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def measure(
    name: str, port: int, headers: dict[str, str], *, seconds: float, connections: int, sequential: int
) -> Figures:
    single = await Connection.open(port, headers)
    for _ in range(200):  # warm-up: connection pools and caches
        await single.get()
    idle: list[float] = []
    errors = 0
    for _ in range(sequential):
        started = time.perf_counter()
        status = await single.get()
        idle.append(time.perf_counter() - started)
        errors += status != 200
    await single.close()

    pool = [await Connection.open(port, headers) for _ in range(connections)]
    loaded: list[float] = []
    deadline = time.perf_counter() + seconds

    async def worker(conn: Connection) -> None:
        nonlocal errors
        while time.perf_counter() < deadline:
            started = time.perf_counter()
            status = await conn.get()
            loaded.append(time.perf_counter() - started)
            errors += status != 200

    began = time.perf_counter()
    await asyncio.gather(*(worker(conn) for conn in pool))
    elapsed = time.perf_counter() - began
    for conn in pool:
        await conn.close()
    ms = 1000.0
    return Figures(
        name,
        statistics.median(idle) * ms,
        percentile(idle, 0.99) * ms,
        len(loaded) / elapsed,
        statistics.median(loaded) * ms,
        percentile(loaded, 0.99) * ms,
        errors,
    )


def gateway_token(port: int, client_id: str, secret: str) -> str:
    import base64

    body = b"grant_type=client_credentials"
    auth = base64.b64encode(f"{client_id}:{secret}".encode()).decode()
    request = (
        f"POST /v1/auth/token HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Basic {auth}\r\n"
        f"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {len(body)}\r\nConnection: close\r\n\r\n"
    ).encode() + body
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(request)
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    head, _, payload = data.partition(b"\r\n\r\n")
    if not head.startswith(b"HTTP/1.1 200"):
        raise RuntimeError(f"token request failed: {head[:200]!r}")
    return str(json.loads(payload)["access_token"])


def print_table(results: list[Figures], args: argparse.Namespace) -> None:
    print()
    python = platform.python_version()
    print(f"machine: {platform.machine()}, {os.cpu_count()} CPUs, Python {python}, {platform.platform()}")
    print(f"request: GET {PATH} (small JSON)")
    print(f"idle = 1 connection, sequential; load = {args.connections} connections for {args.seconds:.0f} s")
    print()
    columns = ("idle p50 ms", "idle p99 ms", "req/s", "load p50 ms", "load p99 ms", "errors")
    header = f"{'target':<10}" + "".join(f" {column:>12}" for column in columns)
    print(header)
    print("-" * len(header))
    for r in results:
        values = (f"{r.idle_p50:.3f}", f"{r.idle_p99:.3f}", f"{r.rps:.0f}", f"{r.load_p50:.3f}", f"{r.load_p99:.3f}")
        print(f"{r.name:<10}" + "".join(f" {value:>12}" for value in (*values, str(r.errors))))
    direct = results[0]
    by_name = {r.name: r for r in results}
    gateway, nginx = by_name["gateway"], by_name["nginx"]
    print()
    added, nginx_added = gateway.idle_p50 - direct.idle_p50, nginx.idle_p50 - direct.idle_p50
    print(f"gateway adds {added:.3f} ms at the median (nginx adds {nginx_added:.3f} ms)")
    share_nginx, share_direct = 100 * gateway.rps / nginx.rps, 100 * gateway.rps / direct.rps
    print(f"gateway throughput = {share_nginx:.0f} % of nginx's, {share_direct:.0f} % of direct")


async def run_all(targets: list[tuple[str, int, dict[str, str]]], args: argparse.Namespace) -> list[Figures]:
    return [
        await measure(name, port, headers, seconds=args.seconds, connections=args.connections, sequential=args.requests)
        for name, port, headers in targets
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=5.0, help="duration of each throughput phase")
    parser.add_argument("--connections", type=int, default=32, help="concurrent connections in the throughput phase")
    parser.add_argument("--requests", type=int, default=2000, help="sequential requests in the latency phase")
    args = parser.parse_args()

    sys.path[:0] = [str(ROOT / "infra" / "devstack"), str(ROOT / "gateway"), str(ROOT / "libs" / "servicekit")]
    from devstack.databases import drop_database, prepare
    from devstack.postgres import PostgresServer

    nginx = find_nginx()
    workdir = Path(tempfile.mkdtemp(prefix="bench-gateway-"))
    upstream_port, gateway_port, nginx_port = free_port(), free_port(), free_port()
    admin_id, admin_secret = "bench-admin", secrets.token_urlsafe(24)
    with PostgresServer() as server:
        database = prepare("gateway", server.admin_url, f"gateway_bench_{uuid.uuid4().hex[:8]}")
        gateway_env = child_env(
            {
                "GATEWAY_DATABASE_URL": database.app_url,
                "GATEWAY_REGISTRY_URL": f"http://127.0.0.1:{upstream_port}",
                "GATEWAY_MATCHING_URL": f"http://127.0.0.1:{upstream_port}",
                "GATEWAY_OUTCOMES_URL": f"http://127.0.0.1:{upstream_port}",
                "GATEWAY_SIGNING_KEY_PATH": str(workdir / "signing.pem"),
                "GATEWAY_ADMIN_CLIENT_ID": admin_id,
                "GATEWAY_ADMIN_CLIENT_SECRET": admin_secret,
                "GATEWAY_RATE_LIMIT": "100000000/minute",
                "GATEWAY_LOG_LEVEL": "WARNING",
            }
        )
        try:
            with (
                process(
                    uvicorn(["--app-dir", str(ROOT / "bench"), "gateway_overhead:upstream_app"], upstream_port),
                    child_env({}),
                    workdir / "upstream.log",
                ),
                process(
                    uvicorn(["--factory", "gateway.main:create_app"], gateway_port),
                    gateway_env,
                    workdir / "gateway.log",
                ),
                process(
                    [
                        nginx,
                        "-p",
                        str(workdir),
                        "-c",
                        str(nginx_config(workdir, nginx_port, upstream_port)),
                        "-g",
                        "daemon off;",
                    ],
                    None,
                    workdir / "nginx.log",
                ),
            ):
                for port in (upstream_port, gateway_port, nginx_port):
                    wait_http(port)
                bearer = {"Authorization": f"Bearer {gateway_token(gateway_port, admin_id, admin_secret)}"}
                # Every target gets the same headers, so request sizes match.
                targets = [
                    ("direct", upstream_port, bearer),
                    ("gateway", gateway_port, bearer),
                    ("nginx", nginx_port, bearer),
                ]
                results = asyncio.run(run_all(targets, args))
        finally:
            asyncio.run(drop_database(server.admin_url, database.name))
    print_table(results, args)
    shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
