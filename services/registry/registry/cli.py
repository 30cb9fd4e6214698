"""Operator commands: `import-citizens FILE --municipality DK-0336`, `import-ads FILE --format …`,
`reencrypt-national-ids`, `retention`, `remap-taxonomy`.

`python -m registry.cli import-ads ads.jsonl --format jobtech-jobstream-v2` (or `jobnet-v1`) imports
a file of published ads, one JSON document per line (a JobStream download, a Jobnet export), through
the same usecase as `POST /v1/openings:import`, 1,000 per transaction, with a progress bar: each ad
lands in its workplace's municipality (`--municipality DK-0336` refuses ads for any other), a
re-run is `unchanged`, removed ads close their openings. A line that is not JSON is reported and
skipped. The exit status is 1 when any ad was rejected.

`python -m registry.cli retention --dry-run` lists, per municipality, the citizens whose programme
ended longer ago than the municipality's retention period (`retention_years`, default 5; a
programme has ended when every enrolment of the citizen is completed or dropped out, or the
citizen was never enrolled: then the citizen's last change counts). Without `--dry-run` it erases
them exactly as `DELETE /v1/citizens/{id}` does, 1,000 per transaction, each erasure audited as
`system:retention` with the run's id as request id. Schedule it (e.g. nightly) where the registry runs.

`python -m registry.cli reencrypt-national-ids` finishes a rotation of the national-id encryption
key: it re-encrypts, in batches of 1,000, every national id still sealed under a key other than
REGISTRY_NATIONAL_ID_ACTIVE_KEY_ID, after which the old key can be removed from
REGISTRY_NATIONAL_ID_ENCRYPTION_KEYS. It is safe to interrupt and run again, and to run beside the
live service (rows another transaction holds are skipped and caught on the next run).

`python -m registry.cli remap-taxonomy --esco-csv skills_en.csv [--esco-csv occupations_en.csv]`
(or `--jobtech-json concepts.json`) `[--dry-run] [--municipality DK-0336]` carries every citizen's
and opening's skills, interests and occupation over to a newer ESCO or JobTech taxonomy version:
retired concepts become their replacements (chains followed; a split skill gives both), each
changed record gets a new version and its change-feed entry in the same transaction (1,000 records
a transaction), citizens are audited as `system:taxonomy-remap` with the run's id as request id. A
code that cannot be mapped is kept and listed. It prints a JSON report: records seen / changed /
unchanged / skipped (changed by someone else during the run: run again) per kind, each remapped
code old → new with the number of citizens and openings, each unmapped code with its reason, and
the replacements the registry's loaded taxonomy does not hold yet (load the new version first:
a record holding one cannot be changed until then). Codes and counts only, no personal data.
Running it again changes nothing.

The import writes through the registry's own batch usecase (the same validation,
pseudonymisation, upsert and change-feed rows as `POST /v1/citizens:batch`), connecting with the
service's settings (REGISTRY_DATABASE_URL and the national id keys), one transaction per 1,000
rows. It is meant for the first load of a jobcenter export, run where the registry runs; later
syncs use the HTTP batch endpoint.

CSV columns (header row; `;` separates list items):
external_ref, national_id, name, birth_year, target_group, benefit_type, benefit_monthly_amount
(øre), benefit_currency, benefit_since, work_capacity_hours, skills (code, or code:level with
level basic/intermediate/advanced),
support_needs (code or code! when essential), interests, postcode, lat, lon, consent_matching
(true/false), consent_given_at. Empty cells are absent values.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import datetime as dt
import json
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from tqdm import tqdm

from registry.domain.imported_ads import AD_FORMATS, AdFormat
from registry.domain.taxonomy_remap import RemapReport
from registry.settings import Settings
from registry.usecases.citizen_batch import upsert_citizens
from registry.usecases.national_id_keys import reencrypt_batch
from registry.usecases.opening_import import import_ads
from registry.usecases.retention import RetentionRun, due_for_erasure, erase_due
from registry.usecases.taxonomy_remap import RECORDS, remap_page
from servicekit.batch import MAX_BATCH, BatchResult, BatchSummary
from servicekit.db import Database, set_tenant
from servicekit.domain_errors import Forbidden
from servicekit.municipalities import is_municipality_code
from taxonomy import load_taxonomy
from taxonomy.versions import Changes, load_changes


def _list(cell: str) -> list[str]:
    return [part.strip() for part in cell.split(";") if part.strip()]


def citizen_from_row(row: dict[str, str]) -> dict[str, Any]:
    """One CSV row as a `citizens:batch` item (values stay strings; the API model converts them)."""
    cell = {k.strip(): (v or "").strip() for k, v in row.items() if k}
    item: dict[str, Any] = {
        k: cell[k]
        for k in ("external_ref", "national_id", "name", "birth_year", "target_group", "work_capacity_hours")
        if cell.get(k)
    }
    if cell.get("benefit_type"):
        item["benefit"] = {
            "type": cell["benefit_type"],
            "monthly_amount": cell.get("benefit_monthly_amount"),
            "currency": cell.get("benefit_currency"),
            "since": cell.get("benefit_since"),
        }
    item["skills"] = [_skill(s) for s in _list(cell.get("skills", ""))]
    item["support_needs"] = [
        {"code": s.rstrip("!"), "essential": s.endswith("!")} for s in _list(cell.get("support_needs", ""))
    ]
    item["interests"] = _list(cell.get("interests", ""))
    if cell.get("postcode"):
        item["location"] = {"postcode": cell["postcode"], "lat": cell.get("lat"), "lon": cell.get("lon")}
    if cell.get("consent_matching"):
        item["consent"] = {
            "matching": cell["consent_matching"].lower() in ("true", "1", "yes", "ja"),
            "given_at": cell.get("consent_given_at"),
        }
    return item


def _skill(text: str) -> dict[str, Any]:
    """`bb:skill:wash-dishes:basic` → code + level (a level is the last `:` part if it is one)."""
    code, _, level = text.rpartition(":")
    if code and level in ("basic", "intermediate", "advanced"):
        return {"code": code, "level": level}
    return {"code": text}


def batches(path: Path, size: int = MAX_BATCH) -> Iterator[list[dict[str, Any]]]:
    with path.open(newline="", encoding="utf-8-sig") as handle:
        chunk: list[dict[str, Any]] = []
        for row in csv.DictReader(handle):
            chunk.append(citizen_from_row(row))
            if len(chunk) == size:
                yield chunk
                chunk = []
        if chunk:
            yield chunk


def _tally(result: BatchResult, total: BatchSummary, problems: list[str], *, label: str, first: int) -> None:
    """Add one batch's counts to `total` and its first problems (numbered from `first`) to `problems`."""
    for item in result.items:
        if item.problem and len(problems) < 20:
            fields = ", ".join(e.field for e in item.problem.errors) or item.problem.detail
            problems.append(f"{label} {first + item.index}: {item.problem.title} ({fields})")
    for name in ("created", "updated", "unchanged", "error"):
        setattr(total, name, getattr(total, name) + getattr(result.summary, name))


async def import_citizens(path: Path, municipality: str, settings: Settings) -> tuple[BatchSummary, list[str]]:
    """Upsert every row of `path` into `municipality`; the totals and the first problems found."""
    vault = settings.national_id_vault()
    book = load_taxonomy(settings.esco_dir)
    database = Database(settings.database_url, pool_size=1)
    total = BatchSummary()
    problems: list[str] = []

    def own(requested: str | None) -> str:
        if requested not in (None, municipality):
            raise Forbidden("The import writes to one municipality only.")
        return municipality

    with path.open(encoding="utf-8-sig") as handle:
        rows = max(sum(1 for _ in handle) - 1, 0)
    try:
        with tqdm(total=rows, unit="citizen", desc=f"Importing into {municipality}") as progress:
            line = 2
            for chunk in batches(path):
                async with database.sessions() as session, session.begin():
                    await set_tenant(session, municipality)
                    result = await upsert_citizens(session, chunk, municipality_for=own, book=book, vault=vault)
                _tally(result, total, problems, label="line", first=line)
                line += len(chunk)
                progress.update(len(chunk))
    finally:
        await database.dispose()
    return total, problems


def ad_batches(path: Path, size: int = MAX_BATCH) -> Iterator[tuple[int, list[Any], list[str]]]:
    """(first line number, ads, problems of lines that are not JSON objects) per `size` lines."""
    chunk: list[Any] = []
    problems: list[str] = []
    first = 1
    with path.open(encoding="utf-8-sig") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                item = json.loads(line)
            except json.JSONDecodeError:
                problems.append(f"line {number}: not JSON")
                continue
            if not chunk:
                first = number
            chunk.append(item)
            if len(chunk) == size:
                yield first, chunk, problems
                chunk, problems = [], []
    if chunk or problems:
        yield first, chunk, problems


async def import_ads_file(
    path: Path, ad_format: AdFormat, settings: Settings, *, municipality: str | None = None
) -> tuple[BatchSummary, list[str]]:
    """Import every ad of `path`; the totals and the first problems found (line numbers of blank-free files)."""
    from registry.main import occupation_map  # the same ESCO-based map as the service builds at start-up

    book = load_taxonomy(settings.esco_dir)
    omap = occupation_map(settings.occupation_map_esco_dir or settings.esco_dir, book)
    database = Database(settings.database_url, pool_size=1)
    tenant = municipality or "*"
    total = BatchSummary()
    problems: list[str] = []

    def allowed(requested: str | None) -> str:
        if municipality is not None and requested != municipality:
            raise Forbidden("The import writes to one municipality only.")
        if requested is None:
            raise Forbidden("The ad names no municipality.")
        return requested

    with path.open(encoding="utf-8-sig") as handle:
        lines = sum(1 for line in handle if line.strip())
    try:
        with tqdm(total=lines, unit="ad", desc=f"Importing {ad_format}") as progress:
            for first, chunk, bad_lines in ad_batches(path):
                total.error += len(bad_lines)
                problems += bad_lines
                if chunk:
                    async with database.sessions() as session, session.begin():
                        await set_tenant(session, tenant)
                        result = await import_ads(
                            session, ad_format, chunk, occupation_map=omap, municipality_for=allowed, tenant=tenant
                        )
                    _tally(result, total, problems, label="item", first=first)
                progress.update(len(chunk) + len(bad_lines))
    finally:
        await database.dispose()
    return total, problems


async def reencrypt_national_ids(settings: Settings, batch_size: int = MAX_BATCH) -> int:
    """Re-encrypt every national id sealed under an old key; how many were re-encrypted."""
    vault = settings.national_id_vault()
    database = Database(settings.database_url, pool_size=1)
    done = 0
    try:
        while True:
            async with database.sessions() as session, session.begin():
                await set_tenant(session, "*")
                count = await reencrypt_batch(session, vault=vault, limit=batch_size)
            done += count
            if count < batch_size:
                return done
    finally:
        await database.dispose()


async def run_retention(
    settings: Settings, *, dry_run: bool, municipality: str | None, now: dt.datetime | None = None, limit: int = 100_000
) -> RetentionRun:
    """Find (and unless a dry run, erase) the citizens past their municipality's retention period."""
    run = RetentionRun(run_id=f"retention-{uuid.uuid4().hex}", dry_run=dry_run)
    database = Database(settings.database_url, pool_size=1)
    try:
        async with database.sessions() as session, session.begin():
            await set_tenant(session, "*")
            run.due = await due_for_erasure(
                session, now=now or dt.datetime.now(dt.UTC), municipality=municipality, limit=limit
            )
        if dry_run:
            return run
        ids = [citizen_id for found in run.due.values() for citizen_id in found]
        for start in range(0, len(ids), MAX_BATCH):
            async with database.sessions() as session, session.begin():
                await set_tenant(session, "*")
                run.erased += await erase_due(session, ids[start : start + MAX_BATCH], run_id=run.run_id)
    finally:
        await database.dispose()
    return run


async def run_taxonomy_remap(
    settings: Settings, changes: Changes, *, dry_run: bool, municipality: str | None, page_size: int = MAX_BATCH
) -> RemapReport:
    """Remap every citizen and opening (of `municipality`, or all) to the `changes` version; the report."""
    report = RemapReport(f"taxonomy-remap-{uuid.uuid4().hex}", changes.source, dry_run, municipality)
    tenant = municipality or "*"
    database = Database(settings.database_url, pool_size=1)
    try:
        for entity in RECORDS:
            after: uuid.UUID | None = None
            while True:
                async with database.sessions() as session, session.begin():
                    await set_tenant(session, tenant)
                    after = await remap_page(
                        session, entity, changes, report, tenant=tenant, after=after, limit=page_size
                    )
                if after is None:
                    break
    finally:
        await database.dispose()
    report.check_loaded(load_taxonomy(settings.esco_dir))
    return report


def _reported(summary: BatchSummary, problems: list[str]) -> int:
    """An import's tally on stdout, each rejected item on stderr; exit code 1 if any was rejected."""
    print(
        f"created {summary.created}, updated {summary.updated}, unchanged {summary.unchanged}, rejected {summary.error}"
    )
    for problem in problems:
        print("  " + problem, file=sys.stderr)
    return 1 if summary.error else 0


def _remap_taxonomy(parser: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    if args.municipality is not None and not is_municipality_code(args.municipality):
        parser.error("--municipality must look like DK-0336 or SE-2080")
    if bool(args.esco_csv) == (args.jobtech_json is not None):
        parser.error("give --esco-csv (one or more) or --jobtech-json")
    for path in [*args.esco_csv, *([args.jobtech_json] if args.jobtech_json else [])]:
        if not path.is_file():
            parser.error(f"no such file: {path}")
    changes = load_changes(args.esco_csv, args.jobtech_json)
    report = asyncio.run(run_taxonomy_remap(Settings(), changes, dry_run=args.dry_run, municipality=args.municipality))
    print(json.dumps(report.as_dict(), indent=2))
    return 0


def _retention(args: argparse.Namespace) -> int:
    run = asyncio.run(run_retention(Settings(), dry_run=args.dry_run, municipality=args.municipality))
    for code, ids in sorted(run.due.items()):
        print(f"{code}: {len(ids)} citizens past the retention period")
        if run.dry_run:
            for citizen_id in ids:
                print(f"  {citizen_id}")
    total = sum(len(ids) for ids in run.due.values())
    if run.dry_run:
        print(f"dry run {run.run_id}: {total} citizens would be erased")
    else:
        print(f"run {run.run_id}: erased {run.erased} of {total} citizens (audited as system:retention)")
    return 0


def _import_ads(parser: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    if args.municipality is not None and not is_municipality_code(args.municipality):
        parser.error("--municipality must look like DK-0336 or SE-2080")
    if not args.file.is_file():
        parser.error(f"no such file: {args.file}")
    imported = import_ads_file(args.file, args.ad_format, Settings(), municipality=args.municipality)
    return _reported(*asyncio.run(imported))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m registry.cli", description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    importer = commands.add_parser("import-citizens", help="Upsert citizens from a jobcenter CSV export")
    importer.add_argument("file", type=Path)
    importer.add_argument("--municipality", required=True, help="e.g. DK-0336")
    ads = commands.add_parser("import-ads", help="Import published job ads (JSON lines) as openings")
    ads.add_argument("file", type=Path)
    ads.add_argument("--format", required=True, choices=AD_FORMATS, dest="ad_format")
    ads.add_argument("--municipality", help="Refuse ads for any other municipality (e.g. DK-0336)")
    commands.add_parser("reencrypt-national-ids", help="Re-encrypt national ids under the active key (key rotation)")
    retention = commands.add_parser("retention", help="Erase citizens past their municipality's retention period")
    retention.add_argument("--dry-run", action="store_true", help="List them, erase nothing")
    retention.add_argument("--municipality", help="Only this municipality (e.g. DK-0336)")
    remap = commands.add_parser("remap-taxonomy", help="Carry skills and occupations over to a newer taxonomy version")
    remap.add_argument("--esco-csv", type=Path, action="append", default=[], help="concept CSV of the new ESCO version")
    remap.add_argument("--jobtech-json", type=Path, help="JobTech Taxonomy concepts (include_deprecated) answer")
    remap.add_argument("--dry-run", action="store_true", help="Report what would change, write nothing")
    remap.add_argument("--municipality", help="Only this municipality (e.g. DK-0336)")
    args = parser.parse_args(argv)
    if args.command == "remap-taxonomy":
        return _remap_taxonomy(parser, args)
    if args.command == "retention":
        if args.municipality is not None and not is_municipality_code(args.municipality):
            parser.error("--municipality must look like DK-0336 or SE-2080")
        return _retention(args)
    if args.command == "import-ads":
        return _import_ads(parser, args)
    if args.command == "reencrypt-national-ids":
        count = asyncio.run(reencrypt_national_ids(Settings()))
        print(f"re-encrypted {count} national ids under key {Settings().national_id_active_key_id!r}")
        return 0
    if not is_municipality_code(args.municipality):
        parser.error("--municipality must look like DK-0336 or SE-2080")
    if not args.file.is_file():
        parser.error(f"no such file: {args.file}")
    return _reported(*asyncio.run(import_citizens(args.file, args.municipality, Settings())))


if __name__ == "__main__":
    sys.exit(main())
