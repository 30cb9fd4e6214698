"""Webhook delivery from the outbox to a local receiver (issue 19: ≥ 500 events/s with signing).

    [DATABASE_URL=postgresql://…] .venv/bin/python bench/webhooks.py [--events 5000] [--rounds 3]

A throwaway webhooks database (migrated as the service's would be) holds one subscription to a
receiver on loopback (uvicorn in its own process; it checks the Standard Webhooks signature of
every 50th request and answers 204). Each round enqueues `--events` deliveries and times the
service's dispatcher draining them: claim with FOR UPDATE SKIP LOCKED, sign, POST, record.
Baselines in the same run, alternating with the signed rounds: the same dispatcher without
signing (what the signature costs), and the same POSTs with no database at all (the receiver's
and the HTTP client's ceiling: what the outbox costs).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import statistics
import subprocess
import sys
import time
import uuid
from datetime import datetime
from pathlib import Path
from typing import Any

# This file is named like the webhooks package: keep this folder off the import path.
sys.path = [entry for entry in sys.path if Path(entry or ".").resolve() != Path(__file__).resolve().parent]

import asyncpg  # noqa: E402
import httpx  # noqa: E402

from devstack.databases import ServiceDatabase, drop_database, prepare  # noqa: E402
from devstack.postgres import PostgresServer  # noqa: E402
from servicekit.db import Database, set_tenant  # noqa: E402
from servicekit.municipalities import NATIONAL  # noqa: E402
from webhooks.clients.receivers import Receivers  # noqa: E402
from webhooks.domain.backoff import RetryPolicy  # noqa: E402
from webhooks.domain.signing import new_secret, signed_headers  # noqa: E402
from webhooks.feed.dispatch import Dispatcher  # noqa: E402
from webhooks.store import deliveries  # noqa: E402

SECRET_ENV = "BENCH_WEBHOOK_SECRET"
BODY = (
    '{"data":{"citizen_id":"%s","enrolment_id":"%s","partnership_id":"%s"},'
    '"timestamp":"2026-12-07T10:00:00+00:00","type":"citizen.enrolled"}'
)


# -- the receiver (run in its own process with --serve PORT) --------------------------------------


def receiver_app() -> Any:
    from standardwebhooks import Webhook

    secret = os.environ.get(SECRET_ENV)
    verifier = Webhook(secret) if secret else None
    counts = {"received": 0, "verified": 0, "failed": 0}

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        if scope["method"] == "GET":
            payload = repr(counts).encode()
            await send({"type": "http.response.start", "status": 200, "headers": []})
            await send({"type": "http.response.body", "body": payload})
            return
        counts["received"] += 1
        headers = {k.decode(): v.decode() for k, v in scope["headers"]}
        if verifier is not None and "webhook-signature" in headers and counts["received"] % 50 == 0:
            try:
                verifier.verify(body, headers)
                counts["verified"] += 1
            except Exception:
                counts["failed"] += 1
        await send({"type": "http.response.start", "status": 204, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    return app


def serve(port: int) -> None:
    import uvicorn

    uvicorn.run(receiver_app(), host="127.0.0.1", port=port, log_level="warning", access_log=False)


# -- the measurement --------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_receiver(secret: str) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    env = {**os.environ, SECRET_ENV: secret}
    process = subprocess.Popen([sys.executable, __file__, "--serve", str(port)], env=env)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            httpx.get(url + "/stats", timeout=1)
            return process, url
        except httpx.HTTPError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError("the receiver did not start")


def unsigned(secret: str, *, message_id: str, timestamp: datetime, body: bytes) -> dict[str, str]:
    return {"webhook-id": message_id, "content-type": "application/json"}


async def subscribe(database: ServiceDatabase, url: str, secret: str) -> None:
    owner = await asyncpg.connect(database.owner_url)
    try:
        await owner.execute(
            "insert into webhooks (id, municipality, url, events, secret, created_by)"
            " values ($1, 'DK-0336', $2, array['citizen.enrolled'], $3, 'bench')",
            uuid.uuid4(),
            url + "/hooks/bench",
            secret,
        )
    finally:
        await owner.close()


async def enqueue(db: Database, events: int) -> None:
    rows = [
        {
            "key": f"citizen.enrolled:{uuid.uuid4()}",
            "type": "citizen.enrolled",
            "municipality": "DK-0336",
            "body": BODY % (uuid.uuid4(), uuid.uuid4(), uuid.uuid4()),
        }
        for _ in range(events)
    ]
    async with db.sessions() as session, session.begin():
        await set_tenant(session, NATIONAL)
        for start in range(0, len(rows), 1000):
            await deliveries.enqueue(session, rows[start : start + 1000])


async def delivered_count(db: Database) -> int:
    async with db.sessions() as session, session.begin():
        await set_tenant(session, NATIONAL)
        return await deliveries.pending_count(session)


async def drain_seconds(db: Database, receivers: Receivers, events: int, *, signed: bool) -> float:
    await enqueue(db, events)
    dispatcher = Dispatcher(
        db, receivers, RetryPolicy(), batch_size=200, concurrency=64, sign=signed_headers if signed else unsigned
    )
    started = time.perf_counter()
    sent = await dispatcher.drain()
    seconds = time.perf_counter() - started
    assert sent == events, (sent, events)
    assert await delivered_count(db) == 0, "deliveries left pending"
    return seconds


async def raw_seconds(receivers: Receivers, url: str, events: int) -> float:
    """The same POSTs, 64 at a time, with no database: the ceiling."""
    slots = asyncio.Semaphore(64)
    body = (BODY % (uuid.uuid4(), uuid.uuid4(), uuid.uuid4())).encode()

    async def post() -> None:
        async with slots:
            answer = await receivers.post(url + "/hooks/bench", body=body, headers={"content-type": "application/json"})
            assert answer.delivered

    started = time.perf_counter()
    await asyncio.gather(*(post() for _ in range(events)))
    return time.perf_counter() - started


async def measure(database: ServiceDatabase, url: str, events: int, rounds: int) -> dict[str, list[float]]:
    db = Database(database.app_url)
    receivers = Receivers(timeout=10, max_connections=64)
    receivers.start()
    rates: dict[str, list[float]] = {"signed": [], "unsigned": [], "no database": []}
    try:
        await drain_seconds(db, receivers, 500, signed=True)  # warm up connections and statements
        for n in range(rounds):
            for kind in ("signed", "unsigned", "no database") if n % 2 == 0 else ("unsigned", "signed", "no database"):
                if kind == "no database":
                    seconds = await raw_seconds(receivers, url, events)
                else:
                    seconds = await drain_seconds(db, receivers, events, signed=kind == "signed")
                rates[kind].append(events / seconds)
                print(
                    f"round {n + 1} {kind:12s} {events} events in {seconds:6.2f} s = {events / seconds:7.0f} events/s"
                )
    finally:
        await receivers.aclose()
        await db.dispose()
    return rates


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=5000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--serve", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.serve)
        return
    secret = new_secret()
    with PostgresServer() as server:
        name = f"bench_webhooks_{uuid.uuid4().hex[:8]}"
        database = prepare("webhooks", server.admin_url, name)
        receiver, url = start_receiver(secret)
        try:
            asyncio.run(subscribe(database, url, secret))
            rates = asyncio.run(measure(database, url, args.events, args.rounds))
            stats = httpx.get(url + "/stats").text
        finally:
            receiver.terminate()
            receiver.wait(timeout=10)
            asyncio.run(drop_database(server.admin_url, name))
    medians = {kind: statistics.median(values) for kind, values in rates.items()}
    print(f"load average {os.getloadavg()[0]:.1f}; receiver {stats}")
    print(
        f"median: signed {medians['signed']:.0f} events/s (target ≥ 500), unsigned {medians['unsigned']:.0f}"
        f" (signed/unsigned {medians['signed'] / medians['unsigned']:.2f}), no database {medians['no database']:.0f}"
        f" (signed/no database {medians['signed'] / medians['no database']:.2f})"
    )


if __name__ == "__main__":
    main()
