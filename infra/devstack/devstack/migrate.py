"""`make migrate`: create (if needed) and migrate every service's database on DATABASE_URL."""

from __future__ import annotations

import os
import sys

from .databases import ALEMBIC_INI, prepare


def main() -> int:
    admin_url = os.environ.get("DATABASE_URL")
    if not admin_url:
        print(
            "Set DATABASE_URL to the server to migrate (make run migrates its embedded server itself).", file=sys.stderr
        )
        return 2
    prefix = os.environ.get("BROBYGGER_DATABASE_PREFIX", "brobygger")
    for service in ALEMBIC_INI:
        database = prepare(service, admin_url, f"{prefix}_{service}")
        print(f"{service}: {database.name} at head")
    return 0


if __name__ == "__main__":
    sys.exit(main())
