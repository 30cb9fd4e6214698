"""Load through the gateway: 70 % reads, 20 % recommendations, 10 % writes, 100 clients, 60 s.

Each virtual client is its own API client (a municipal system with its own token, tenant and rate
limit), spread over the demo municipalities, so the gateway's per-client limits stay at their
defaults, as in production. By default each client sends its next request as soon as the last
is answered (closed loop: latency ≈ clients ÷ throughput once the stack saturates); `--think-ms`
adds a pause between a client's requests, as real integrations and caseworkers have.

The clients join one by one over `--ramp-seconds` (default 10) and the figures cover the
`--seconds` that follow, with all of them running; what the ramp itself saw is printed on a line
of its own (a hundred clients arriving in the same millisecond with new tokens meet a cold
connection pool — a burst no deployment sees twice, kept apart from the steady state).

    .venv/bin/python bench/load.py                 # starts its own stack with the demo population
    .venv/bin/python bench/load.py --base-url http://127.0.0.1:8000 --client-id … --client-secret …

Prints p50/p95/p99 latency per kind and overall, throughput and the error count. The request
loop is bounded in time and count and talks to loopback only.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import statistics
import sys
import time
import uuid
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp
import psutil

# Run as a script, this folder comes first on sys.path and bench/matching.py would stand in for the
# `matching` package when the stack migrates its database in this process.
sys.path[:] = [entry for entry in sys.path if Path(entry or ".").resolve() != Path(__file__).resolve().parent]


class CpuMeter:
    """CPU seconds each process group spends between `start()` and `stop()`, as cores in use.

    The groups are the stack's services (with their children) and every PostgreSQL process on the
    machine (the server the stack uses; on a shared server that includes others' work)."""

    def __init__(self, services: dict[str, int]) -> None:
        self.services = services
        self.before: dict[int, float] = {}
        self.started = 0.0

    def _groups(self) -> dict[str, list[psutil.Process]]:
        groups = {}
        for name, pid in self.services.items():
            root = psutil.Process(pid)
            groups[name] = [root, *root.children(recursive=True)]
        groups["postgresql"] = [
            p for p in psutil.process_iter(["name"]) if (p.info["name"] or "").startswith("postgres")
        ]
        groups["load client"] = [psutil.Process()]
        return groups

    @staticmethod
    def _seconds(process: psutil.Process) -> float:
        try:
            times = process.cpu_times()
        except psutil.NoSuchProcess:
            return 0.0
        return float(times.user + times.system)

    def start(self) -> None:
        self.before = {p.pid: self._seconds(p) for group in self._groups().values() for p in group}
        self.started = time.monotonic()

    def stop(self) -> dict[str, float]:
        elapsed = time.monotonic() - self.started
        return {
            name: round(sum(self._seconds(p) - self.before.get(p.pid, 0.0) for p in group) / elapsed, 2)
            for name, group in self._groups().items()
        }


@dataclass
class Results:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    statuses: dict[int, int] = field(default_factory=lambda: defaultdict(int))
    ramp: list[float] = field(default_factory=list)  # latencies of requests sent before every client ran
    ramp_errors: int = 0
    elapsed: float = 0.0


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def token(session: aiohttp.ClientSession, base: str, client_id: str, secret: str) -> str:
    async with session.post(
        f"{base}/v1/auth/token",
        data={"grant_type": "client_credentials"},
        headers={"Authorization": aiohttp.encode_basic_auth(client_id, secret)},
    ) as response:
        response.raise_for_status()
        return str((await response.json())["access_token"])


async def sample_ids(
    session: aiohttp.ClientSession, base: str, headers: dict[str, str], path: str, n: int, municipality: str
) -> list[str]:
    ids: list[str] = []
    cursor = None
    while len(ids) < n:
        params = {"limit": "200", "municipality": municipality} | ({"cursor": cursor} if cursor else {})
        async with session.get(f"{base}{path}", params=params, headers=headers) as response:
            response.raise_for_status()
            page = await response.json()
        ids += [item["id"] for item in page["items"]]
        cursor = page.get("next_cursor")
        if not cursor:
            break
    return ids[:n]


async def worker(
    session: aiohttp.ClientSession,
    base: str,
    headers: dict[str, str],
    citizens: list[str],
    openings: list[str],
    municipality: str,
    window: tuple[float, float],
    results: Results,
    rng: random.Random,
    think: float = 0.0,
    start_at: float = 0.0,
) -> None:
    measured_from, deadline = window
    await asyncio.sleep(max(0.0, start_at - time.monotonic()))
    while time.monotonic() < deadline:
        roll = rng.random()
        if roll < 0.70:
            kind = "read"
            if rng.random() < 0.5:
                method, url, body = "GET", f"{base}/v1/citizens/{rng.choice(citizens)}", None
            else:
                method, url, body = "GET", f"{base}/v1/openings/{rng.choice(openings)}", None
        elif roll < 0.90:
            kind = "recommendation"
            method, url, body = "GET", f"{base}/v1/recommendations?citizen_id={rng.choice(citizens)}&limit=10", None
        else:
            kind = "write"
            ref = f"LOAD-{uuid.uuid4().hex[:12]}"
            method, url = "POST", f"{base}/v1/citizens:batch"
            body = {
                "items": [
                    {
                        "municipality": municipality,
                        "external_ref": ref,
                        "birth_year": 1980 + rng.randrange(25),
                        "target_group": "cash_benefit",
                        "work_capacity_hours": 10,
                        "consent": {"matching": True, "given_at": "2026-01-01T10:00:00+01:00"},
                    }
                ]
            }
        sent_at = time.monotonic()
        started = time.perf_counter()
        try:
            async with session.request(
                method, url, json=body, headers={**headers, "Idempotency-Key": uuid.uuid4().hex} if body else headers
            ) as response:
                await response.read()
                status = response.status
        except aiohttp.ClientError:
            status = 599
        elapsed = (time.perf_counter() - started) * 1000
        failed = status >= 400 and not (kind == "recommendation" and status == 409)
        if sent_at < measured_from:
            results.ramp.append(elapsed)
            results.ramp_errors += failed
        else:
            results.latencies[kind].append(elapsed)
            results.statuses[status] += 1
            results.errors[kind] += failed
        if think:
            await asyncio.sleep(rng.expovariate(1 / think))


CLIENT_SCOPES = ["citizens:read", "citizens:write", "matching:read"]


async def municipal_client(
    session: aiohttp.ClientSession, base: str, admin: dict[str, str], municipality: str, i: int
) -> dict[str, str]:
    body = {"name": f"load-{municipality}-{i}", "tenant": municipality, "scopes": CLIENT_SCOPES}
    async with session.post(f"{base}/v1/clients", json=body, headers=admin) as response:
        response.raise_for_status()
        created = await response.json()
    return {"Authorization": f"Bearer {await token(session, base, created['client_id'], created['client_secret'])}"}


async def run_load(
    base: str,
    client_id: str,
    secret: str,
    clients: int,
    seconds: float,
    think: float = 0.0,
    ramp: float = 10.0,
    on_measuring: Callable[[], None] = lambda: None,
) -> Results:
    connector = aiohttp.TCPConnector(limit=clients + 10)
    async with aiohttp.ClientSession(connector=connector, timeout=aiohttp.ClientTimeout(total=30)) as session:
        admin = {"Authorization": f"Bearer {await token(session, base, client_id, secret)}"}
        async with session.get(f"{base}/v1/municipalities", params={"limit": "100"}, headers=admin) as response:
            codes = [item["code"] for item in (await response.json())["items"]]
        data: dict[str, tuple[list[str], list[str]]] = {}
        for code in codes:
            citizens = await sample_ids(session, base, admin, "/v1/citizens", 500, code)
            openings = await sample_ids(session, base, admin, "/v1/openings", 200, code)
            if citizens and openings:
                data[code] = (citizens, openings)
        if not data:
            raise SystemExit("no citizens or openings to load against: start with the demo population")
        assigned = [sorted(data)[i % len(data)] for i in range(clients)]
        headers = [await municipal_client(session, base, admin, code, i) for i, code in enumerate(assigned)]
        results = Results()
        began = time.monotonic()
        window = (began + ramp, began + ramp + seconds)

        async def measure() -> None:
            await asyncio.sleep(ramp)
            on_measuring()

        await asyncio.gather(
            measure(),
            *(
                worker(
                    session,
                    base,
                    headers[i],
                    *data[code],
                    code,
                    window,
                    results,
                    random.Random(i),
                    think,
                    start_at=began + ramp * i / clients,
                )
                for i, code in enumerate(assigned)
            ),
        )
        results.elapsed = time.monotonic() - window[0]
        return results


def report(results: Results) -> dict[str, object]:
    elapsed = results.elapsed
    everything = [v for values in results.latencies.values() for v in values]
    rows = {}
    for kind, values in [*sorted(results.latencies.items()), ("all", everything)]:
        rows[kind] = {
            "requests": len(values),
            "p50_ms": round(statistics.median(values), 1) if values else None,
            "p95_ms": round(percentile(values, 0.95), 1),
            "p99_ms": round(percentile(values, 0.99), 1),
        }
    summary = {
        "throughput_rps": round(len(everything) / elapsed, 1),
        "errors": dict(results.errors),
        "statuses": dict(results.statuses),
        "by_kind": rows,
    }
    print(f"{'kind':<16}{'requests':>10}{'p50 ms':>10}{'p95 ms':>10}{'p99 ms':>10}")
    for kind, row in rows.items():
        print(f"{kind:<16}{row['requests']:>10}{row['p50_ms']!s:>10}{row['p95_ms']!s:>10}{row['p99_ms']!s:>10}")
    errors = sum(results.errors.values())
    print(f"throughput {summary['throughput_rps']} req/s, errors {errors}, statuses {summary['statuses']}")
    if results.ramp:
        ramp = {
            "requests": len(results.ramp),
            "p50_ms": round(statistics.median(results.ramp), 1),
            "p99_ms": round(percentile(results.ramp, 0.99), 1),
            "errors": results.ramp_errors,
        }
        summary["ramp"] = ramp
        print(f"ramp (not counted above): {ramp}")
    return summary


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--base-url")
    parser.add_argument("--client-id")
    parser.add_argument("--client-secret")
    parser.add_argument("--clients", type=int, default=100)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument(
        "--think-ms",
        type=float,
        default=0.0,
        help="mean pause (exponential) between a client's requests; 0 = closed loop, as fast as answers come",
    )
    parser.add_argument(
        "--ramp-seconds", type=float, default=10.0, help="clients join one by one over this time; not measured"
    )
    parser.add_argument("--registry-workers", type=int, default=1, help="registry uvicorn workers (as replicas)")
    args = parser.parse_args()
    if args.base_url:
        results = asyncio.run(
            run_load(
                args.base_url,
                args.client_id,
                args.client_secret,
                args.clients,
                args.seconds,
                args.think_ms / 1000,
                args.ramp_seconds,
            )
        )
        print(json.dumps(report(results)))
        return
    from devstack.databases import drop_database
    from devstack.demo import load_demo
    from devstack.postgres import free_port
    from devstack.stack import SERVICES, Stack, StackConfig

    prefix = f"load_{uuid.uuid4().hex[:6]}"
    config = StackConfig(
        gateway_port=free_port(),
        database_prefix=prefix,
        admin_client_id="load-admin",
        admin_client_secret="load-admin-secret-0123456789",
        esco_dir=os.environ.get("ESCO_DIR"),  # as `make run`: ESCO when configured, the starter vocabulary if not
        redis_url=os.environ.get("REDIS_URL"),
        workers={"registry": args.registry_workers},
    )
    stack = Stack(config).start()
    try:
        load_demo(stack)
        client_id, secret = stack.create_client("load", "*", ["admin"])
        meter = CpuMeter({name: process.popen.pid for name, process in stack.processes.items()})
        results = asyncio.run(
            run_load(
                stack.gateway_url,
                client_id,
                secret,
                args.clients,
                args.seconds,
                args.think_ms / 1000,
                args.ramp_seconds,
                on_measuring=meter.start,
            )
        )
        cores = meter.stop()
        summary = report(results)
        print(f"CPU in use (cores of {os.cpu_count()}): {cores}")
        print(json.dumps({**summary, "cpu_cores": cores}))
    finally:
        stack.stop()
        if admin_url := os.environ.get("DATABASE_URL"):
            for name in ("gateway", *SERVICES):
                asyncio.run(drop_database(admin_url, f"{prefix}_{name}"))


if __name__ == "__main__":
    main()
