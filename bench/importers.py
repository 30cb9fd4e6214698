"""Importer benchmark: JobTech JobStream ads through `POST /v1/openings:import` vs `openings:batch`.

    python bench/importers.py                  # 10,000 ads, batches of 1,000
    python bench/importers.py --ads 20000

One command: it creates a throwaway, migrated registry database on DATABASE_URL (or an embedded
PostgreSQL), runs the registry application in this process (its ASGI app through httpx, so no
HTTP server or gateway is in the path: the figure is the registry's own import work, parsing,
municipality and employer look-ups, content hashing, upsert and change-feed rows), mints its own
tokens and then measures, in one run:

  import, new       every ad created (50 employers looked up; created by the first batch)
  import, again     the same ads re-imported (all `unchanged`, the idempotent path)
  batch, new        the same openings as plain `openings:batch` items (the baseline)
  batch, again      the same batch re-sent (all `unchanged`)

Bodies are built and serialised before the clock starts; each batch is one request and one
transaction. With ESCO_DIR the occupation map is built from ESCO's occupations (as the service
does); without it every occupation is imported unmapped (flagged), which costs the same.
The issue's target is ≥ 2,000 ads/s through the gateway.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import time
import uuid
from pathlib import Path
from typing import Any

import httpx
from stdnum import luhn

ROOT = Path(__file__).resolve().parents[1]
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
    http: httpx.AsyncClient, path: str, bodies: list[bytes], headers: dict[str, str]
) -> tuple[float, dict[str, int]]:
    totals: dict[str, int] = {}
    started = time.perf_counter()
    for body in bodies:
        response = await http.post(path, content=body, headers=headers)
        response.raise_for_status()
        answer = response.json()
        for status, n in answer["summary"].items():
            totals[status] = totals.get(status, 0) + n
        if answer["summary"]["error"]:
            rejected = next(i for i in answer["items"] if i["status"] == "error")
            raise SystemExit(f"the registry rejected a benchmark item: {rejected['problem']}")
    return time.perf_counter() - started, totals


async def measure(admin_url: str, count: int, size: int) -> list[tuple[str, int, float, dict[str, int]]]:
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
        esco_dir=None,
        occupation_map_esco_dir=Path(esco) if esco else None,
        jwks_json=tokens.jwks_json,
        cursor_key="11" * 32,
        national_id_hmac_key="bench-hmac-key-not-for-production-0123456789",
        national_id_encryption_keys={"k1": "22" * 32},
        national_id_active_key_id="k1",
        log_level="WARNING",
        # A 1,000-ad JobStream body is ~2.5 MB even with short descriptions (real ones: 3-10 KB per ad).
        max_body_bytes=16_000_000,
    )
    app = create_app(settings)
    results = []
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
            run = uuid.uuid4().hex[:6]
            items = ads(count, run)
            imports = [
                json.dumps({"format": "jobtech-jobstream-v2", "items": items[i : i + size]}).encode()
                for i in range(0, count, size)
            ]
            print(f"JobStream body: {sum(map(len, imports)) / count:.0f} bytes per ad")
            for label in ("import, new", "import, again"):
                elapsed, totals = await post_all(http, "/v1/openings:import", imports, writer)
                results.append((label, count, elapsed, totals))
            listed = await http.get("/v1/organisations", params={"limit": 100}, headers=writer)
            organisation_ids = [o["id"] for o in listed.json()["items"]]
            plain = batch_items(count, run, organisation_ids, "bb:occupation:kitchen-assistant")
            batches = [json.dumps({"items": plain[i : i + size]}).encode() for i in range(0, count, size)]
            for label in ("batch, new", "batch, again"):
                elapsed, totals = await post_all(http, "/v1/openings:batch", batches, writer)
                results.append((label, count, elapsed, totals))
    finally:
        await drop_database(admin_url, name)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--ads", type=int, default=10_000)
    parser.add_argument("--batch", type=int, default=1_000)
    args = parser.parse_args()
    from devstack.postgres import PostgresServer

    with PostgresServer() as server:
        results = asyncio.run(measure(server.admin_url, args.ads, args.batch))
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
