"""Matching's operator commands: `python -m matching.cli retention [--dry-run]`.

`retention` deletes the recommendation lists served and the caseworkers' decisions older than
`MATCHING_RECORD_RETENTION_DAYS` (default 1826, five years); `--dry-run` only counts them.
Schedule it (e.g. nightly) beside the registry's `python -m registry.cli retention`.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt

from matching.settings import Settings
from matching.usecases.retention import RecordsPastRetention, purge_expired_records
from servicekit.db import Database, set_tenant


async def run_retention(settings: Settings, *, dry_run: bool, now: dt.datetime | None = None) -> RecordsPastRetention:
    """One run over every municipality, in one transaction."""
    database = Database(settings.database_url, pool_size=1)
    try:
        async with database.sessions() as session, session.begin():
            await set_tenant(session, "*")
            return await purge_expired_records(
                session,
                now=now or dt.datetime.now(dt.UTC),
                retention_days=settings.record_retention_days,
                dry_run=dry_run,
            )
    finally:
        await database.dispose()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m matching.cli", description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    retention = commands.add_parser("retention", help="Delete recommendation logs and decisions past retention")
    retention.add_argument("--dry-run", action="store_true", help="Count them, delete nothing")
    args = parser.parse_args(argv)
    run = asyncio.run(run_retention(Settings(), dry_run=args.dry_run))
    verb = "would delete" if run.dry_run else "deleted"
    print(
        f"{verb} {run.recommendation_logs} recommendation lists and {run.decisions} decisions "
        f"served or taken before {run.cutoff:%Y-%m-%d}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
