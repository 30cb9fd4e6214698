"""Importer benchmark: JobTech JobStream ads through `POST /v1/openings:import` vs `openings:batch`.

    python bench/importers.py                  # 10,000 ads, batches of 1,000
    python bench/importers.py --ads 20000
    python bench/importers.py --through-gateway   # the devstack stack: gateway → registry

One command. By default it creates a throwaway, migrated registry database on DATABASE_URL (or an
embedded PostgreSQL), runs the registry application in this process (its ASGI app through httpx, so
no HTTP server or gateway is in the path: the figure is the registry's own import work, parsing,
municipality and employer look-ups, content hashing, upsert and change-feed rows) and mints its own
tokens; with --through-gateway it starts the devstack stack (gateway, registry, matching, outcomes
as `make run` starts them, on throwaway databases, the registry with `--workers` processes, 2 by
default as in bench/registry_sync.py) and pushes through the gateway with `--clients` (4) concurrent
clients of SE-2080. Either way it measures, in one run:

  import, new       every ad created (50 employers looked up; created by the first batch)
  import, again     the same ads re-imported (all `unchanged`, the idempotent path)
  batch, new        the same openings as plain `openings:batch` items (the baseline)
  batch, again      the same batch re-sent (all `unchanged`)

Bodies are built and serialised before the clock starts; each batch is one request and one
transaction. With ESCO_DIR the registry loads ESCO and builds the occupation map from ESCO's
occupations (as the service does); without it the starter vocabulary, and every imported
occupation stays unmapped (flagged), which costs the same.
The issue's target is ≥ 2,000 ads/s through the gateway.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import httpx
from stdnum import luhn

ROOT = Path(__file__).resolve().parents[1]
Result = tuple[str, int, float, dict[str, int]]
MUNICIPALITY = "SE-2080"
TEMPLATE = json.loads((ROOT / "services/registry/tests/fixtures/jobstream_ads.jsonl").read_text().splitlines()[0])
OCCUPATIONS = [("9412", "Restaurang- och köksbiträden"), ("9111", "Städare"), ("5120", "Kockar och kallskänkor")]


def orgnr(n: int) -> str:
    body = f"55{n:07d}"
    return body + luhn.calc_check_digit(body)


def ads(count: int, run: str, employers: int = 50) -> list[dict[str, Any]]:
    found = []
    for n in range(count):
        ssyk, label = OCCUPATIONS[n % len(OCCUPATIONS)]
        found.append(
            {
                **TEMPLATE,
                "id": f"{run}-{n:07d}",
                "headline": f"Annons {n}",
                "number_of_vacancies": 1 + n % 3,
                "employer": {
                    **TEMPLATE["employer"],
                    "organization_number": orgnr(n % employers),
                    "name": f"AB {n % employers}",
                },
                "occupation": {"concept_id": f"occ{n % 7}", "label": label, "legacy_ams_taxonomy_id": None},
                "occupation_group": {"concept_id": f"grp{ssyk}", "label": label, "legacy_ams_taxonomy_id": ssyk},
                "scope_of_work": {"min": 50 + n % 50, "max": 100},
            }
        )
    return found


def kitchen_assistant() -> str:
    """The occupation in the taxonomy the registry loads (ESCO with ESCO_DIR, else the starter vocabulary)."""
    esco = os.environ.get("ESCO_DIR")
    return (
        "http://data.europa.eu/esco/occupation/e1cf6897-158d-4b48-a39e-2a3a8cac216c"
        if esco
        else ("bb:occupation:kitchen-assistant")
    )


def batch_items(count: int, run: str, organisation_ids: list[str], occupation: str) -> list[dict[str, Any]]:
    """The same openings as plain `openings:batch` items (what a jobcenter would send itself)."""
    return [
        {
            "external_ref": f"B-{run}-{n:07d}",
            "organisation_id": organisation_ids[n % len(organisation_ids)],
            "title": f"Annons {n}",
            "occupation": occupation,
            "skills": [],
            "hours_per_week": {"min": 20 + n % 17, "max": 37},
            "seats": 1 + n % 3,
            "location": {"postcode": "79131", "lat": 60.6065, "lon": 15.6355},
        }
        for n in range(count)
    ]


async def post_all(
    http: httpx.AsyncClient, path: str, bodies: list[bytes], headers: dict[str, str], clients: int
) -> tuple[float, dict[str, int]]:
    """Post every body with `clients` concurrent clients; wall time and summed item statuses."""
    queue: asyncio.Queue[bytes] = asyncio.Queue()
    for body in bodies:
        queue.put_nowait(body)
    totals: dict[str, int] = {}
    # A new connection per request: uvicorn workers share one listening socket, so long-lived
    # keep-alive connections would pin most of the load on one worker.
    headers = {**headers, "Connection": "close"}

    async def client() -> None:
        while not queue.empty():
            response = await http.post(path, content=queue.get_nowait(), headers=headers)
            response.raise_for_status()
            answer = response.json()
            for status, n in answer["summary"].items():
                totals[status] = totals.get(status, 0) + n
            if answer["summary"]["error"]:
                rejected = next(i for i in answer["items"] if i["status"] == "error")
                raise SystemExit(f"the registry rejected a benchmark item: {rejected['problem']}")

    started = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(clients)))
    return time.perf_counter() - started, totals


async def runs(
    http: httpx.AsyncClient, writer: dict[str, str], count: int, size: int, clients: int = 1
) -> list[Result]:
    """The four runs against `http` (the registry in-process, or the gateway)."""
    results = []
    run = uuid.uuid4().hex[:6]
    items = ads(count, run)
    imports = [
        json.dumps({"format": "jobtech-jobstream-v2", "items": items[i : i + size]}).encode()
        for i in range(0, count, size)
    ]
    print(f"JobStream body: {sum(map(len, imports)) / count:.0f} bytes per ad, {size} ads per request")
    for label in ("import, new", "import, again"):
        elapsed, totals = await post_all(http, "/v1/openings:import", imports, writer, clients)
        results.append((label, count, elapsed, totals))
    listed = await http.get("/v1/organisations", params={"limit": 100, "municipality": MUNICIPALITY}, headers=writer)
    listed.raise_for_status()
    organisation_ids = [o["id"] for o in listed.json()["items"]]
    plain = batch_items(count, run, organisation_ids, kitchen_assistant())
    batches = [json.dumps({"items": plain[i : i + size]}).encode() for i in range(0, count, size)]
    for label in ("batch, new", "batch, again"):
        elapsed, totals = await post_all(http, "/v1/openings:batch", batches, writer, clients)
        results.append((label, count, elapsed, totals))
    return results


async def in_process(admin_url: str, count: int, size: int) -> list[Result]:
    from devstack.databases import drop_database, prepare
    from registry.main import create_app
    from registry.settings import Settings
    from servicekit.testing import TokenFactory

    name = f"registry_bench_{uuid.uuid4().hex[:8]}"
    database = await asyncio.to_thread(prepare, "registry", admin_url, name)
    tokens = TokenFactory()
    esco = os.environ.get("ESCO_DIR")
    settings = Settings(
        database_url=database.app_url,
        esco_dir=Path(esco) if esco else None,
        jwks_json=tokens.jwks_json,
        cursor_key="11" * 32,
        national_id_hmac_key="bench-hmac-key-not-for-production-0123456789",
        national_id_encryption_keys={"k1": "22" * 32},
        national_id_active_key_id="k1",
        log_level="WARNING",
        # A 1,000-ad JobStream body is ~2.9 MB even with short descriptions (real ones: 3-10 KB per ad).
        max_body_bytes=16_000_000,
    )
    app = create_app(settings)
    try:
        async with (
            app.router.lifespan_context(app),
            httpx.AsyncClient(
                transport=httpx.ASGITransport(app=app), base_url="http://registry.bench", timeout=300
            ) as http,
        ):
            admin = tokens.headers(tenant="*", scopes=["admin"])
            created = await http.post("/v1/municipalities", json={"code": MUNICIPALITY, "name": "Falun"}, headers=admin)
            created.raise_for_status()
            writer = {
                **tokens.headers(tenant=MUNICIPALITY, scopes=["openings:write", "organisations:write"]),
                "Content-Type": "application/json",
            }
            return await runs(http, writer, count, size)
    finally:
        await drop_database(admin_url, name)


def through_gateway(count: int, size: int, clients: int, workers: int) -> list[Result]:
    """The devstack stack (gateway, registry, matching, outcomes) on throwaway databases."""
    from devstack.databases import drop_database
    from devstack.postgres import free_port
    from devstack.stack import Stack, StackConfig

    # The stack migrates every service in this process, and bench/matching.py (first on sys.path,
    # as the script's folder) would stand in for the `matching` package.
    sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
    log_dir = Path(tempfile.mkdtemp(prefix="importers-bench-"))
    config = StackConfig(
        gateway_port=free_port(),
        database_prefix=f"bench_{uuid.uuid4().hex[:8]}",
        log_dir=log_dir,
        redis_url=os.environ.get("REDIS_URL"),
        extra_env={"registry": {"REGISTRY_LOG_LEVEL": "WARNING"}, "gateway": {"GATEWAY_LOG_LEVEL": "WARNING"}},
        workers={"registry": workers},
    )
    stack = Stack(config)
    try:
        stack.start()
        admin = {"Authorization": f"Bearer {stack.admin_token()}"}
        created = httpx.post(
            f"{stack.gateway_url}/v1/municipalities", json={"code": MUNICIPALITY, "name": "Falun"}, headers=admin
        )
        assert created.status_code in (201, 409), created.text
        client_id, secret = stack.create_client("bench-import", MUNICIPALITY, ["openings:write", "organisations:write"])
        writer = {"Authorization": f"Bearer {stack.token(client_id, secret)}", "Content-Type": "application/json"}

        async def go() -> list[Result]:
            async with httpx.AsyncClient(base_url=stack.gateway_url, timeout=300) as http:
                return await runs(http, writer, count, size, clients)

        return asyncio.run(go())
    finally:
        databases = [db.name for db in stack.databases.values()]
        stack.stop()
        if stack.postgres.external_url:
            for name in databases:
                asyncio.run(drop_database(stack.postgres.admin_url, name))
        shutil.rmtree(log_dir, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--ads", type=int, default=10_000)
    parser.add_argument("--batch", type=int, help="ads per request (default 1,000; 500 through the gateway)")
    parser.add_argument("--through-gateway", action="store_true", help="start the devstack stack, push through it")
    parser.add_argument("--clients", type=int, default=4, help="concurrent clients through the gateway")
    parser.add_argument("--workers", type=int, default=2, help="the registry's uvicorn workers (through the gateway)")
    args = parser.parse_args()
    if args.through_gateway:
        # The gateway (like every service) refuses bodies over 2 MB: 500 ads of ~2.9 KB fit.
        results = through_gateway(args.ads, args.batch or 500, args.clients, args.workers)
    else:
        from devstack.postgres import PostgresServer

        with PostgresServer() as server:
            results = asyncio.run(in_process(server.admin_url, args.ads, args.batch or 1_000))
    rates = {label: count / elapsed for label, count, elapsed, _ in results}
    print(f"{'run':<16}{'items':>8}{'seconds':>10}{'items/s':>10}  statuses")
    for label, count, elapsed, totals in results:
        print(f"{label:<16}{count:>8}{elapsed:>10.2f}{count / elapsed:>10.0f}  {totals}")
    print(
        f"import/batch, new: {rates['import, new'] / rates['batch, new']:.2f}; "
        f"again: {rates['import, again'] / rates['batch, again']:.2f} (target ≥ 2,000 ads/s)"
    )


if __name__ == "__main__":
    main()
