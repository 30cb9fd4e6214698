"""Bulk sync benchmark: 100,000 citizens through `POST /v1/citizens:batch` vs a raw asyncpg COPY.

    python bench/registry_sync.py                       # self-hosted: throwaway DB + registry (2 workers)
    python bench/registry_sync.py --base-url http://127.0.0.1:8000 --token "$TOKEN" --municipality DK-0336

With --base-url the citizens go to that URL (the gateway, or the registry directly) with the
given bearer token (scope citizens:write, tenant = --municipality or '*'). Without it the script
creates a throwaway database on DATABASE_URL (or an embedded PostgreSQL), starts the registry
with uvicorn and mints its own token. Either way it then COPYs the same rows with asyncpg into a
table shaped like `citizens` (same columns and indexes, no validation, no feed) as the ceiling,
and prints records/s for both and their ratio. Payloads are built and serialised before the clock
starts; each batch is one HTTP request and one transaction.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import hashlib
import hmac
import json
import os
import platform
import secrets
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import asyncpg
import httpx

ROOT = Path(__file__).resolve().parents[1]
SKILLS = ("bb:skill:clean-floors", "bb:skill:wash-dishes", "bb:skill:pick-orders", "bb:skill:stock-shelves")
GROUPS = (
    "cash_benefit",
    "resource_programme",
    "flexjob",
    "integration",
    "sickness_benefit",
    "disability_pension",
    "other",
)


def citizens(count: int, municipality: str, run: str) -> list[dict[str, Any]]:
    """`count` valid, distinct citizens (CPR-format ids with real 1950-1999 dates)."""
    items = []
    for n in range(count):
        born = dt.date(1950, 1, 1) + dt.timedelta(days=n % 18_000)
        items.append(
            {
                "municipality": municipality,
                "external_ref": f"BENCH-{run}-{n:07d}",
                "national_id": f"{born:%d%m%y}{(n // 18_000) % 4000:04d}",
                "target_group": GROUPS[n % len(GROUPS)],
                "benefit": {
                    "type": "kontanthjaelp",
                    "monthly_amount": 1_277_000,
                    "currency": "DKK",
                    "since": "2025-01-01",
                },
                "work_capacity_hours": 1 + n % 37,
                "skills": [{"code": SKILLS[n % 4], "level": "basic"}, {"code": SKILLS[(n + 1) % 4]}],
                "support_needs": [{"code": "mentor", "essential": n % 2 == 0}],
                "interests": ["bb:occupation:kitchen-assistant"],
                "location": {"postcode": "4660", "lat": 55.42, "lon": 12.3},
                "consent": {"matching": True, "given_at": "2026-01-10T10:00:00+01:00"},
            }
        )
    return items


async def push(base_url: str, token: str, bodies: list[bytes], clients: int) -> tuple[float, dict[str, int]]:
    """Post every body with `clients` concurrent clients; wall time and summed item statuses."""
    queue: asyncio.Queue[bytes] = asyncio.Queue()
    for body in bodies:
        queue.put_nowait(body)
    totals: dict[str, int] = {}
    # A new connection per batch: uvicorn workers share one listening socket, so long-lived
    # keep-alive connections would pin most of the load on one worker.
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json", "Connection": "close"}

    async def client() -> None:
        async with httpx.AsyncClient(base_url=base_url, timeout=120) as http:
            while not queue.empty():
                body = queue.get_nowait()
                response = await http.post(
                    "/v1/citizens:batch", content=body, headers={**headers, "Idempotency-Key": uuid.uuid4().hex}
                )
                response.raise_for_status()
                for status, n in response.json()["summary"].items():
                    totals[status] = totals.get(status, 0) + n

    started = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(clients)))
    return time.perf_counter() - started, totals


async def copy_ceiling(database_url: str, items: list[dict[str, Any]]) -> float:
    """COPY the same citizens (pseudonymised, encrypted, no checks) into a citizens-shaped table."""
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    key, cipher = secrets.token_bytes(32), AESGCM(secrets.token_bytes(32))
    records = []
    for item in items:
        nonce = os.urandom(12)
        national_id = item["national_id"].encode()
        records.append(
            (
                uuid.uuid4(),
                item["municipality"],
                item["external_ref"],
                hmac.new(key, national_id, hashlib.sha256).digest(),
                nonce + cipher.encrypt(nonce, national_id, None),
                "k1",
                item["target_group"],
                json.dumps(item["benefit"]),
                item["work_capacity_hours"],
                json.dumps(item["skills"]),
                json.dumps(item["support_needs"]),
                json.dumps(item["interests"]),
                json.dumps(item["location"]),
                json.dumps(item["consent"]),
            )
        )
    columns = [
        "id",
        "municipality",
        "external_ref",
        "national_id_pseudonym",
        "national_id_ciphertext",
        "national_id_key_id",
        "target_group",
        "benefit",
        "work_capacity_hours",
        "skills",
        "support_needs",
        "interests",
        "location",
        "consent",
    ]
    conn = await asyncpg.connect(database_url)
    try:
        await conn.execute("drop table if exists bench_copy_ceiling")
        await conn.execute("create table bench_copy_ceiling (like citizens including defaults including indexes)")
        started = time.perf_counter()
        await conn.copy_records_to_table("bench_copy_ceiling", records=records, columns=columns)
        elapsed = time.perf_counter() - started
        await conn.execute("drop table bench_copy_ceiling")
        return elapsed
    finally:
        await conn.close()


class SelfHosted:
    """A throwaway registry database and a uvicorn process serving it, with a token that it accepts."""

    def __init__(self, workers: int) -> None:
        self.workers = workers

    def __enter__(self) -> SelfHosted:
        from devstack.databases import prepare
        from devstack.postgres import PostgresServer, free_port
        from servicekit.testing import TokenFactory

        self.server = PostgresServer()
        self.admin_url = self.server.__enter__().admin_url
        self.name = f"registry_bench_{uuid.uuid4().hex[:8]}"
        self.database = prepare("registry", self.admin_url, self.name)
        tokens = TokenFactory()
        self.token = tokens.token(tenant="*", scopes=["citizens:write"], expires_in=3600, client_id="bench")
        port = free_port()
        self.base_url = f"http://127.0.0.1:{port}"
        env = {
            **os.environ,
            "REGISTRY_DATABASE_URL": self.database.app_url,
            "REGISTRY_JWKS_JSON": tokens.jwks_json,
            "REGISTRY_CURSOR_KEY": secrets.token_hex(32),
            "REGISTRY_NATIONAL_ID_HMAC_KEY": secrets.token_hex(32),
            "REGISTRY_NATIONAL_ID_ENCRYPTION_KEYS": json.dumps({"k1": secrets.token_hex(32)}),
            "REGISTRY_NATIONAL_ID_ACTIVE_KEY_ID": "k1",
            "REGISTRY_LOG_LEVEL": "WARNING",
        }
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "uvicorn",
                "registry.main:create_app",
                "--factory",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--workers",
                str(self.workers),
                "--log-level",
                "warning",
                "--no-access-log",
            ],
            env=env,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{self.base_url}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        else:
            raise RuntimeError("the registry did not start")
        admin = tokens.token(tenant="*", scopes=["admin"], client_id="bench-admin")
        httpx.post(
            f"{self.base_url}/v1/municipalities",
            json={"code": "DK-0336", "name": "Stevns"},
            headers={"Authorization": f"Bearer {admin}"},
            timeout=10,
        )
        return self

    def __exit__(self, *exc: object) -> None:
        from devstack.databases import drop_database

        self.process.terminate()
        self.process.wait(timeout=30)
        asyncio.run(drop_database(self.admin_url, self.name))
        self.server.__exit__(None, None, None)


async def run(args: argparse.Namespace, base_url: str, token: str, database_url: str) -> None:
    run_id = uuid.uuid4().hex[:6]
    items = citizens(args.count, args.municipality, run_id)
    bodies = [json.dumps({"items": items[i : i + args.batch]}).encode() for i in range(0, len(items), args.batch)]
    elapsed, totals = await push(base_url, token, bodies, args.clients)
    http_rate = args.count / elapsed
    copy_elapsed = await copy_ceiling(database_url, items)
    copy_rate = args.count / copy_elapsed
    print(f"machine: {platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}")
    print(
        f"HTTP citizens:batch  {args.count} citizens, batches of {args.batch}, {args.clients} clients: "
        f"{elapsed:.2f} s = {http_rate:,.0f} records/s  {totals}"
    )
    print(f"asyncpg COPY ceiling {args.count} rows: {copy_elapsed:.2f} s = {copy_rate:,.0f} records/s")
    print(f"ratio HTTP / COPY: {http_rate / copy_rate:.1%}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base-url", help="gateway or registry URL; omitted: start a registry here")
    parser.add_argument("--token", help="bearer token with citizens:write (needed with --base-url)")
    parser.add_argument(
        "--database-url",
        default=os.environ.get("DATABASE_URL"),
        help="registry database (owner) for the COPY ceiling; self-hosted: its own",
    )
    parser.add_argument("--municipality", default="DK-0336")
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2, help="uvicorn workers when self-hosted")
    args = parser.parse_args()
    if args.base_url:
        if not args.token or not args.database_url:
            parser.error("--base-url needs --token and --database-url (the registry database, for the COPY ceiling)")
        asyncio.run(run(args, args.base_url, args.token, args.database_url))
        return
    with SelfHosted(args.workers) as stack:
        asyncio.run(run(args, stack.base_url, stack.token, stack.database.owner_url))


if __name__ == "__main__":
    main()
