"""Ledger verification of one contract's hash chain (issue 16: 1,000,000 lines in ≤ 10 s).

    [DATABASE_URL=postgresql://…] .venv/bin/python bench/ledger.py [--lines 1000000] [--rounds 3]

A throwaway outcomes database (migrated as the service's would be); the lines are chained in Python
and copied in as the owner, then `GET /v1/ledger/verify`'s usecase runs as the application role.
Baseline in the same run: a plain scan of the same rows (`count(*)`, `sum(amount)`), the floor any
verification pays to read them.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
import uuid
from datetime import date
from pathlib import Path

# bench/outcomes.py is named like the outcomes package: keep this folder off the import path.
sys.path = [entry for entry in sys.path if Path(entry or ".").resolve() != Path(__file__).resolve().parent]

import asyncpg  # noqa: E402
from sqlalchemy import text  # noqa: E402

from devstack.databases import ServiceDatabase, drop_database, prepare  # noqa: E402
from devstack.postgres import PostgresServer  # noqa: E402
from outcomes.domain.ledger import CANONICAL_FIELDS, GENESIS, chain  # noqa: E402
from outcomes.usecases.settlements import verify_ledger  # noqa: E402
from servicekit.db import Database, set_tenant  # noqa: E402

MUNICIPALITY = "DK-0336"


async def fill(database: ServiceDatabase, lines: int) -> uuid.UUID:
    contract, settlement = uuid.uuid4(), uuid.uuid4()
    owner = await asyncpg.connect(database.owner_url)
    try:
        await owner.execute("select set_config('app.tenant', '*', false)")
        await owner.execute(
            "insert into rate_cards (id, country, year, currency, document) values ('X', 'DK', 2025, 'DKK', '{}')"
        )
        await owner.execute(
            "insert into contracts (id, municipality, partnership_id, side, payee_id, rate_card_id, terms, starts_on,"
            " ends_on) values ($1, $2, $3, 'citizen_course', $3, 'X', '{}', '2024-01-01', '2025-01-01')",
            contract,
            MUNICIPALITY,
            uuid.uuid4(),
        )
        await owner.execute(
            "insert into settlements (id, municipality, contract_id, period_from, period_to, total, currency)"
            " values ($1, $2, $3, '2024-01-01', '2024-02-01', 0, 'DKK')",
            settlement,
            MUNICIPALITY,
            contract,
        )
        values = [
            [
                *(settlement, MUNICIPALITY, contract, uuid.UUID(int=i + 1), "cash_benefit", "placement_started"),
                *(date(2024, 1, 1 + i % 28), "milestone", 500_000, 500_000, None, None),
            ]
            for i in range(lines)
        ]
        hashes = chain(GENESIS, values)
        await owner.copy_records_to_table(
            "settlement_lines",
            records=[(*row, prev, own) for row, (prev, own) in zip(values, hashes, strict=True)],
            columns=[*CANONICAL_FIELDS, "prev_hash", "row_hash"],
        )
        await owner.execute("analyze settlement_lines")
    finally:
        await owner.close()
    return contract


async def measure(database: ServiceDatabase, contract: uuid.UUID, rounds: int) -> None:
    db = Database(database.app_url)
    verify_times, scan_times = [], []
    try:
        for _ in range(rounds):
            async with db.sessions() as session, session.begin():
                await set_tenant(session, MUNICIPALITY)
                started = time.perf_counter()
                await session.execute(
                    text("select count(*), sum(amount) from settlement_lines where contract_id = :c"), {"c": contract}
                )
                scan_times.append(time.perf_counter() - started)
                started = time.perf_counter()
                result = await verify_ledger(session, contract)
                verify_times.append(time.perf_counter() - started)
                assert result.ok, result
    finally:
        await db.dispose()
    print(f"verify {result.rows:,} lines: median {statistics.median(verify_times):.2f} s", _spread(verify_times))
    print(f"baseline scan of the same rows: median {statistics.median(scan_times):.2f} s", _spread(scan_times))
    print(f"ratio verify / scan: {statistics.median(verify_times) / statistics.median(scan_times):.1f}x")
    print(f"target ≤ 10 s: {'met' if statistics.median(verify_times) <= 10 else 'MISSED'}")


def _spread(times: list[float]) -> str:
    return f"(runs {', '.join(f'{t:.2f}' for t in times)})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    with PostgresServer() as server:
        name = f"outcomes_bench_ledger_{uuid.uuid4().hex[:8]}"
        database = prepare("outcomes", server.admin_url, name)
        try:
            started = time.perf_counter()
            contract = asyncio.run(fill(database, args.lines))
            print(f"chained and copied {args.lines:,} lines in {time.perf_counter() - started:.1f} s")
            asyncio.run(measure(database, contract, args.rounds))
        finally:
            asyncio.run(drop_database(server.admin_url, name))


if __name__ == "__main__":
    main()
