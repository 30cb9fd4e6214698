"""Carrying profiles over to a newer taxonomy version: the report of what maps where.

    python -m matching.usecases.taxonomy_versions --esco-csv skills_en.csv [--esco-csv occupations_en.csv]
    python -m matching.usecases.taxonomy_versions --jobtech-json concepts.json

Reads every citizen's and opening's skills in matching's feature store (national tenant) and
prints, as JSON, what `taxonomy.versions.remap_profiles` maps: codes replaced by the newer
version's replacements, and codes that cannot be mapped (kept as they are, so no profile loses a
skill). The registry owns the profiles (matching's copies come from its change feed), so the
rewrite itself is there (`python -m registry.cli remap-taxonomy`); this report checks, before or
after that run, what matching holds.
"""

from __future__ import annotations

import argparse
import asyncio
import json
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession

from matching.settings import Settings
from matching.store import profiles
from servicekit.db import Database, set_tenant
from servicekit.municipalities import NATIONAL
from taxonomy.versions import Changes, RemapReport, load_changes, remap_profiles


async def remap_report(session: AsyncSession, changes: Changes) -> RemapReport:
    """The report over every profile the session's tenant sees (nothing is written)."""
    _, report = remap_profiles(await profiles.skill_sets(session), changes)
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--esco-csv", type=Path, action="append", default=[], help="concept CSV of the new version")
    parser.add_argument("--jobtech-json", type=Path, default=None, help="JobTech GraphQL concepts answer")
    args = parser.parse_args()
    if not args.esco_csv and args.jobtech_json is None:
        parser.error("give --esco-csv (one or more) or --jobtech-json")
    changes = load_changes(args.esco_csv, args.jobtech_json)
    settings = Settings()

    async def go() -> RemapReport:
        database = Database(settings.database_url)
        try:
            async with database.sessions() as session, session.begin():
                await set_tenant(session, NATIONAL)
                return await remap_report(session, changes)
        finally:
            await database.dispose()

    print(json.dumps(asyncio.run(go()).as_dict(), indent=2))


if __name__ == "__main__":
    main()
