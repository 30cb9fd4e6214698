"""Bulk sync benchmark: 100,000 citizens through `POST /v1/citizens:batch` vs a raw asyncpg COPY.

    python bench/registry_sync.py                       # self-hosted: throwaway DB + registry (2 workers)
    python bench/registry_sync.py --through-gateway     # the whole stack, throwaway, through the gateway
    python bench/registry_sync.py --base-url http://127.0.0.1:8000 --token "$TOKEN" --municipality DK-0336

With --base-url the citizens go to that URL (the gateway, or the registry directly) with the
given bearer token (scope citizens:write, tenant = --municipality or '*'). Without it the script
creates a throwaway database on DATABASE_URL (or an embedded PostgreSQL), starts the registry
with uvicorn and mints its own token; with --through-gateway it starts the devstack stack instead
(gateway, registry, matching, outcomes as `make run` starts them, except that the registry runs
`--workers` processes, as with replicas; matching and outcomes follow the change feed) and
pushes through the gateway. Either way it then COPYs the same rows with asyncpg into a table
shaped like `citizens` (same columns and indexes, no validation, no feed) as the ceiling, and
prints records/s for both and their ratio. Payloads are built and serialised before the clock
starts; each batch is one HTTP request and one transaction.
When it started the processes itself it also prints the CPU time each group spent per 1,000
citizens (on a shared machine a view of where the time goes that other load hardly changes).
Through the gateway it then waits until matching and outcomes have applied every change the push
put on the registry's feed (they follow it asynchronously), and prints that time and the rate of
the whole journey, push to last follower, with the CPU spent until then.
Skills and interests come from the taxonomy the registry loads (ESCO with ESCO_DIR, the starter
vocabulary without); a run in which any item is rejected prints the first rejection and fails
instead of reporting a rate for work that was not done.
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
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import psutil

ROOT = Path(__file__).resolve().parents[1]
# The benchmark's own database connections, left out of the PostgreSQL CPU it reports.
BENCH_APPLICATION = "registry-sync-bench"
GROUPS = (
    "cash_benefit",
    "resource_programme",
    "flexjob",
    "integration",
    "sickness_benefit",
    "disability_pension",
    "other",
)


def vocabulary() -> tuple[tuple[str, ...], str]:
    """Four skills and an occupation of the programme's first job family, in the taxonomy that
    the registry loads (ESCO_DIR, as the registry reads it)."""
    from taxonomy import load_taxonomy

    esco_dir = os.environ.get("ESCO_DIR")
    occupation = load_taxonomy(Path(esco_dir) if esco_dir else None).programme_occupations()[0].occupation
    return occupation.essential_skills[:4], occupation.code


def citizens(count: int, municipality: str, run: str) -> list[dict[str, Any]]:
    """`count` valid, distinct citizens (CPR-format ids with real 1950-1999 dates)."""
    skills, occupation = vocabulary()
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
                "skills": [{"code": skills[n % 4], "level": "basic"}, {"code": skills[(n + 1) % 4]}],
                "support_needs": [{"code": "mentor", "essential": n % 2 == 0}],
                "interests": [occupation],
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
                answer = response.json()
                for status, n in answer["summary"].items():
                    totals[status] = totals.get(status, 0) + n
                if answer["summary"].get("error"):
                    rejected = next(r for r in answer["items"] if r["status"] == "error")
                    raise SystemExit(f"the registry rejected a benchmark item: {rejected['problem']}")

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


async def caught_up(registry_url: str, followers: dict[str, tuple[str, str]], timeout: float = 600) -> float:
    """Seconds until every follower's applied feed position (`followers`: name -> database URL,
    query) reaches the registry's feed head as it is now."""
    started = time.perf_counter()
    conn = await asyncpg.connect(registry_url, server_settings={"application_name": BENCH_APPLICATION})
    try:
        head = await conn.fetchval("select coalesce(max(seq), 0) from outbox")
    finally:
        await conn.close()
    connections = {
        name: await asyncpg.connect(url, server_settings={"application_name": BENCH_APPLICATION})
        for name, (url, _) in followers.items()
    }
    try:
        waiting = dict(followers)
        while waiting:
            for name, (_, query) in list(waiting.items()):
                if (await connections[name].fetchval(query) or 0) >= head:
                    del waiting[name]
            if time.perf_counter() - started > timeout:
                raise SystemExit(f"{', '.join(waiting)} did not catch up with the feed in {timeout:.0f} s")
            await asyncio.sleep(0.05)
    finally:
        for conn in connections.values():
            await conn.close()
    return time.perf_counter() - started


def cpu_seconds(pids: Iterable[int]) -> dict[int, float]:
    """User + system CPU seconds of each live process (gone ones are left out)."""
    found = {}
    for pid in pids:
        try:
            times = psutil.Process(pid).cpu_times()
        except psutil.NoSuchProcess:
            continue
        found[pid] = times.user + times.system
    return found


class CpuMeter:
    """CPU seconds that groups of processes (and their children) spend between `start` and `stop`."""

    def __init__(self, admin_url: str, databases: dict[str, list[str]], processes: dict[str, list[int]]) -> None:
        """`databases`: group name -> database names whose PostgreSQL backends the group holds."""
        self.admin_url, self.databases, self.processes = admin_url, databases, processes
        self.before: dict[int, float] = {}

    async def _groups(self) -> dict[str, list[int]]:
        groups = {
            name: pids + [c.pid for pid in pids for c in psutil.Process(pid).children(recursive=True)]
            for name, pids in self.processes.items()
        }
        conn = await asyncpg.connect(self.admin_url)
        try:
            backends = {
                name: await conn.fetchval(
                    "select coalesce(array_agg(pid), '{}') from pg_stat_activity"
                    " where datname = any($1) and application_name is distinct from $2",
                    names,
                    BENCH_APPLICATION,
                )
                for name, names in self.databases.items()
            }
        finally:
            await conn.close()
        return {**groups, **backends, "bench client": [os.getpid()]}

    async def start(self) -> None:
        self.before = cpu_seconds(pid for group in (await self._groups()).values() for pid in group)

    async def stop(self) -> dict[str, float]:
        # A backend that connected during the run counts from zero (it was opened for the run).
        return {
            name: sum(now - self.before.get(pid, 0.0) for pid, now in cpu_seconds(pids).items())
            for name, pids in (await self._groups()).items()
        }


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
        self.database_url = self.database.owner_url
        self.processes = {"registry (uvicorn workers)": [self.process.pid]}
        self.databases = {"PostgreSQL (registry)": [self.name]}
        self.followers: dict[str, tuple[str, str]] = {}
        return self

    def __exit__(self, *exc: object) -> None:
        from devstack.databases import drop_database

        self.process.terminate()
        self.process.wait(timeout=30)
        asyncio.run(drop_database(self.admin_url, self.name))
        self.server.__exit__(None, None, None)


class ThroughGateway:
    """The devstack stack on throwaway databases; a national client of the gateway with citizens:write."""

    def __init__(self, registry_workers: int) -> None:
        self.registry_workers = registry_workers

    def __enter__(self) -> ThroughGateway:
        from devstack.postgres import free_port
        from devstack.stack import Stack, StackConfig

        # The stack migrates every service in this process, and bench/matching.py (first on
        # sys.path, as the script's folder) would stand in for the `matching` package.
        sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
        self.log_dir = Path(tempfile.mkdtemp(prefix="registry-bench-"))
        prefix = f"bench_{uuid.uuid4().hex[:8]}"
        config = StackConfig(
            gateway_port=free_port(),
            database_prefix=prefix,
            log_dir=self.log_dir,
            redis_url=os.environ.get("REDIS_URL"),
            extra_env={"registry": {"REGISTRY_LOG_LEVEL": "WARNING"}, "gateway": {"GATEWAY_LOG_LEVEL": "WARNING"}},
            workers={"registry": self.registry_workers},
        )
        self.stack = Stack(config)
        try:
            self._start()
        except BaseException:
            self.__exit__()  # drop the databases made before the failure
            raise
        return self

    def _start(self) -> None:
        self.stack.start()
        admin = {"Authorization": f"Bearer {self.stack.admin_token()}"}
        response = httpx.post(
            f"{self.stack.gateway_url}/v1/municipalities",
            json={"code": "DK-0336", "name": "Stevns"},
            headers=admin,
            timeout=10,
        )
        assert response.status_code in (201, 409), response.text
        client_id, secret = self.stack.create_client("bench", "*", ["citizens:write"])
        self.token = self.stack.token(client_id, secret)
        self.base_url = self.stack.gateway_url
        self.admin_url = self.stack.postgres.admin_url
        self.databases = {
            "PostgreSQL (registry)": [self.stack.databases["registry"].name],
            "PostgreSQL (matching + outcomes)": [self.stack.databases[s].name for s in ("matching", "outcomes")],
            "PostgreSQL (webhooks)": [self.stack.databases["webhooks"].name],
        }
        self.database_url = self.stack.databases["registry"].owner_url
        databases = self.stack.databases
        # Both followers keep servicekit's one feed_cursors shape.
        self.followers = {
            name: (databases[name].owner_url, "select max(applied_seq) from feed_cursors")
            for name in ("matching", "outcomes")
        }
        procs = self.stack.processes
        self.processes = {
            "registry": [procs["registry"].popen.pid],
            "gateway": [procs["gateway"].popen.pid],
            "matching + outcomes": [procs["matching"].popen.pid, procs["outcomes"].popen.pid],
            # It follows the registry's feed too (for enrolments), so its share counts.
            "webhooks": [procs["webhooks"].popen.pid],
        }

    def __exit__(self, *exc: object) -> None:
        from devstack.databases import drop_database

        databases = [db.name for db in self.stack.databases.values()]
        admin_url = self.stack.postgres.admin_url
        self.stack.stop()
        if self.stack.postgres.external_url:
            for name in databases:
                asyncio.run(drop_database(admin_url, name))
        shutil.rmtree(self.log_dir, ignore_errors=True)


async def run(
    args: argparse.Namespace,
    base_url: str,
    token: str,
    database_url: str,
    meter: CpuMeter | None = None,
    followers: dict[str, tuple[str, str]] | None = None,
) -> None:
    run_id = uuid.uuid4().hex[:6]
    items = citizens(args.count, args.municipality, run_id)
    bodies = [json.dumps({"items": items[i : i + args.batch]}).encode() for i in range(0, len(items), args.batch)]
    if meter:
        await meter.start()
    elapsed, totals = await push(base_url, token, bodies, args.clients)
    spent = await meter.stop() if meter else {}
    lag = await caught_up(database_url, followers) if followers else None
    spent_journey = await meter.stop() if meter and followers else {}
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
    if args.resend:
        # A nightly sync resends mostly what the registry holds already: every item is `unchanged`.
        again, totals = await push(base_url, token, bodies, args.clients)
        print(f"HTTP resend (same bodies, new keys): {again:.2f} s = {args.count / again:,.0f} records/s  {totals}")
    if spent:
        print_cpu("CPU ms per 1,000 citizens", spent, elapsed, args.count)
    if lag is not None:
        journey = elapsed + lag
        print(
            f"followers ({', '.join(followers or {})}) caught up {lag:.2f} s after the push: "
            f"push to last follower {journey:.2f} s = {args.count / journey:,.0f} records/s"
        )
        print_cpu("CPU ms per 1,000 citizens, push to last follower", spent_journey, journey, args.count)


def print_cpu(title: str, spent: dict[str, float], elapsed: float, count: int) -> None:
    per_thousand = {name: seconds * 1000 / (count / 1000) for name, seconds in spent.items()}
    print(f"{title}: " + ", ".join(f"{name} {ms:.0f}" for name, ms in per_thousand.items()))
    print(f"{title}, all: {sum(per_thousand.values()):.0f} (wall {elapsed * 1e6 / count:.0f})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base-url", help="gateway or registry URL; omitted: start a registry here")
    parser.add_argument("--token", help="bearer token with citizens:write (needed with --base-url)")
    parser.add_argument(
        "--database-url",
        default=os.environ.get("DATABASE_URL"),
        help="registry database (owner) for the COPY ceiling; self-hosted: its own",
    )
    parser.add_argument(
        "--through-gateway", action="store_true", help="start the whole stack and push through its gateway"
    )
    parser.add_argument("--resend", action="store_true", help="then push the same citizens again (all unchanged)")
    parser.add_argument("--municipality", default="DK-0336")
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2, help="registry's uvicorn workers")
    args = parser.parse_args()
    if args.base_url:
        if not args.token or not args.database_url:
            parser.error("--base-url needs --token and --database-url (the registry database, for the COPY ceiling)")
        asyncio.run(run(args, args.base_url, args.token, args.database_url))
        return
    with ThroughGateway(args.workers) if args.through_gateway else SelfHosted(args.workers) as stack:
        meter = CpuMeter(stack.admin_url, stack.databases, stack.processes)
        asyncio.run(run(args, stack.base_url, stack.token, stack.database_url, meter, stack.followers))


if __name__ == "__main__":
    main()
