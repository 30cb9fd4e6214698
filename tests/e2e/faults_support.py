"""Helpers for the fault tests: a stack of their own, background traffic, payloads, owner look-ups.

The fault tests kill and restart processes, so they never touch the session `stack` the other
end-to-end modules share.
"""

from __future__ import annotations

import asyncio
import itertools
import os
import shutil
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import asyncpg
import httpx

from devstack.databases import drop_database
from devstack.demo import DemoLoader
from devstack.stack import SERVICES, Stack, StackConfig

from .polling import wait_until
from .vocabulary import occupation_code, skill_code

MUNICIPALITY = {"code": "DK-0336", "name": "Stevns"}
LOCATION = {"postcode": "4660", "lat": 55.42, "lon": 12.3}
ADMIN_ID = "faults-admin"
ADMIN_SECRET = "faults-admin-secret-0123456789"

_serial = itertools.count(1)


# -- stacks ---------------------------------------------------------------------------------
@contextmanager
def own_temp_dir(kind: str) -> Iterator[Path]:
    """A folder outside pytest's base temp (concurrent pytest runs prune old base temps while our
    processes still write there: logs, a PostgreSQL data folder), removed afterwards."""
    path = Path(tempfile.mkdtemp(prefix=f"brobygger-faults-{kind}-"))
    try:
        yield path
    finally:
        if not os.environ.get("KEEP_FAULT_LOGS"):
            shutil.rmtree(path, ignore_errors=True)


@contextmanager
def running_stack(config: StackConfig, admin_url: str | None) -> Iterator[Stack]:
    """Start a stack; on exit (or a failed start) stop it and, on a shared server, drop its databases."""
    stack = Stack(config)
    try:
        yield stack.start()
    finally:
        stack.stop()
        if admin_url is not None:
            for name in ("gateway", *SERVICES):
                asyncio.run(drop_database(admin_url, f"{config.database_prefix}_{name}"))


def database_prefix() -> str:
    return f"faults_{uuid.uuid4().hex[:8]}"


def fetch(stack: Stack, service: str, sql: str, *args: Any) -> list[asyncpg.Record]:
    """Rows from a service's database, read as its owner (row-level security does not hide them)."""

    async def run() -> list[asyncpg.Record]:
        conn = await asyncpg.connect(stack.databases[service].owner_url)
        try:
            return list(await conn.fetch(sql, *args))
        finally:
            await conn.close()

    return asyncio.run(run())


def stop_postgres(stack: Stack) -> None:
    """Stop the stack's own embedded server (fast shutdown) and check that it is down."""
    embedded = stack.postgres.embedded
    if embedded is None:
        raise RuntimeError("only a stack on its own embedded server may stop it")
    embedded.stop()  # pg_ctl stop -w: returns once the server has exited
    if (embedded.data_dir / "postmaster.pid").exists():  # EmbeddedPostgres.stop ignores pg_ctl's errors
        raise RuntimeError(f"PostgreSQL in {embedded.data_dir} did not stop")


# -- background traffic ---------------------------------------------------------------------
@dataclass(frozen=True)
class Answer:
    service: str
    status: int  # 0: no HTTP answer at all (connection error, client timeout)
    seconds: float
    sent_at: float  # time.monotonic() when sent
    content_type: str


@dataclass
class Traffic:
    """One thread per service sends GETs through the gateway until stopped; every answer is kept."""

    base_url: str
    headers: dict[str, str]
    paths: dict[str, str]  # service -> path to GET
    timeout: float = 30.0
    answers: list[Answer] = field(default_factory=list)
    _stop: threading.Event = field(default_factory=threading.Event)
    _threads: list[threading.Thread] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def _run(self, service: str, path: str) -> None:
        with httpx.Client(base_url=self.base_url, headers=self.headers, timeout=self.timeout) as http:
            while not self._stop.is_set():
                sent_at = time.monotonic()
                try:
                    response = http.get(path)
                    status, content_type = response.status_code, response.headers.get("content-type", "")
                except httpx.HTTPError:
                    status, content_type = 0, ""
                answer = Answer(service, status, time.monotonic() - sent_at, sent_at, content_type)
                with self._lock:
                    self.answers.append(answer)
                self._stop.wait(0.05)

    def __enter__(self) -> Traffic:
        for service, path in self.paths.items():
            thread = threading.Thread(target=self._run, args=(service, path), name=f"traffic:{service}", daemon=True)
            thread.start()
            self._threads.append(thread)
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=self.timeout + 5)

    def between(self, service: str, start: float, end: float = float("inf")) -> list[Answer]:
        with self._lock:
            return [a for a in self.answers if a.service == service and start <= a.sent_at < end]

    def wait_for(self, service: str, count: int, *, since: float, timeout: float = 60) -> None:
        wait_until(
            lambda: len(self.between(service, since)) >= count, timeout=timeout, what=f"{count} {service} answers"
        )


# -- API writes -----------------------------------------------------------------------------
def post_until_accepted(
    http: httpx.Client, path: str, body: dict[str, Any], *, key: str, timeout: float = 180
) -> tuple[httpx.Response, list[int]]:
    """What a sync client does: retry the same body with the same Idempotency-Key until a 2xx.

    The final answer and every status seen before it (0: no HTTP answer at all).
    """
    seen: list[int] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            response = http.post(path, json=body, headers={"Idempotency-Key": key})
        except httpx.HTTPError:
            seen.append(0)
        else:
            if response.is_success:
                return response, seen
            if response.status_code not in (409, 502, 503, 504):
                raise AssertionError(f"POST {path} answered {response.status_code}: {response.text[:500]}")
            seen.append(response.status_code)
        time.sleep(0.5)
    raise TimeoutError(f"POST {path} not accepted within {timeout} s; statuses {seen}")


def fake_cpr() -> str:
    """A CPR-format number (real 1950-1999 date, 7th digit 0-3 for the 1900s), unique per process."""
    n = next(_serial)
    day, month, year = 1 + n % 28, 1 + (n // 28) % 12, 50 + (n // 336) % 50
    serial = (n // 16800) % 4000
    return f"{day:02d}{month:02d}{year:02d}{serial:04d}"


def citizen(external_ref: str, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "municipality": MUNICIPALITY["code"],
        "external_ref": external_ref,
        "national_id": fake_cpr(),
        "target_group": "cash_benefit",
        "benefit": {
            "type": "kontanthjaelp_30_plus",
            "monthly_amount": 1_277_000,
            "currency": "DKK",
            "since": "2025-06-01",
        },
        "work_capacity_hours": 20,
        "skills": [{"code": skill_code(), "level": "basic"}],
        "support_needs": [],
        "interests": [occupation_code()],
        "location": LOCATION,
        "consent": {"matching": True, "given_at": "2026-01-10T10:00:00+01:00"},
    }
    body.update(overrides)
    return body


@dataclass
class Programme:
    """A municipality with one partnership (company, business council, provider) and an open opening."""

    partnership_id: str
    company_id: str
    provider_id: str
    opening_id: str


def create_programme(http: httpx.Client, label: str) -> Programme:
    loader = DemoLoader(http)
    code = MUNICIPALITY["code"]
    loader.post("/v1/municipalities", MUNICIPALITY, f"faults:municipality:{code}", ok=(201, 409))
    ids: dict[str, str] = {}
    for kind, extra in (
        ("company", {"registration_number": fake_cvr()}),
        ("business_council", {}),
        ("provider", {}),
    ):
        body = {"municipality": code, "kind": kind, "name": f"Fault {label} {kind} {uuid.uuid4().hex[:6]}", **extra}
        ids[kind] = loader.post("/v1/organisations", body, f"faults:{label}:{kind}").json()["id"]
    partnership = {
        "municipality": code,
        "company_id": ids["company"],
        "business_council_id": ids["business_council"],
        "provider_id": ids["provider"],
        "starts_on": "2026-02-01",
        "ends_on": "2027-07-31",
        "status": "active",
    }
    partnership_id = loader.post("/v1/partnerships", partnership, f"faults:{label}:partnership").json()["id"]
    opening = {
        "municipality": code,
        "external_ref": f"JOB-{label}",
        "organisation_id": ids["company"],
        "title": "Køkkenmedhjælper",
        "occupation": occupation_code(),
        "skills": [{"code": skill_code(), "essential": True}],
        "hours_per_week": {"min": 8, "max": 25},
        "seats": 3,
        "support_offered": ["mentor"],
        "flexjob": False,
        "location": LOCATION,
        "status": "open",
    }
    opening_id = loader.post("/v1/openings", opening, f"faults:{label}:opening").json()["id"]
    return Programme(partnership_id, ids["company"], ids["provider"], opening_id)


def fake_cvr() -> str:
    """8 digits passing the CVR modulus-11 check (weights 2,7,6,5,4,3,2,1)."""
    weights = (2, 7, 6, 5, 4, 3, 2)
    while True:
        head = f"{1_000_000 + next(_serial) * 7919 % 8_999_999:07d}"
        check = (11 - sum(w * int(d) for w, d in zip(weights, head, strict=True)) % 11) % 11
        if check < 10:
            return head + str(check)
