"""Erasure benchmark (issue 17): 10,000 citizens erased end to end, with 1,000 as the baseline.

    python bench/erasure.py                 # the whole stack, throwaway databases, through the gateway
    python bench/erasure.py --count 10000 --baseline 1000

Starts the devstack stack (gateway, registry, matching and outcomes following the change feed, as
`make run` starts them), syncs `baseline + count` citizens through `citizens:batch` and waits until
both followers hold them. Then, per round (the baseline first, in the same run), it erases the
round's citizens through `POST /v1/citizens:erase` (at most 1,000 ids per call, so 10 calls for
10,000; sent one after another) and polls `GET /v1/citizens/{id}/erasure` for the last citizen of
every call until it answers `completed`: the registry has nulled the records, rewritten their
earlier feed entries to tombstones and appended the `erased` entries, and matching and outcomes
have both applied them. The clock runs from the first erase call to the last `completed`.
Prints seconds per round, the share spent in the registry's calls, and seconds per 1,000 citizens
for both rounds (their ratio is the figure to trust on a shared machine).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import time
import uuid

import asyncpg
import httpx
from registry_sync import ThroughGateway, caught_up, citizens, push

MAX_PER_CALL = 1000  # the registry's limit on `citizens:erase` (and on `citizens:batch`)


async def citizen_ids(database_url: str, external_refs: list[str]) -> list[str]:
    """The registry's ids of the synced citizens in the order sent (read from its database: a read
    through the API would write an audit row per citizen, which is not what is measured)."""
    conn = await asyncpg.connect(database_url)
    try:
        rows = await conn.fetch("select external_ref, id from citizens where external_ref = any($1)", external_refs)
    finally:
        await conn.close()
    found = {row["external_ref"]: str(row["id"]) for row in rows}
    return [found[ref] for ref in external_refs]


async def erase_round(
    base_url: str, token: str, ids: list[str], timeout: float
) -> tuple[float, float, dict[str, float]]:
    """(seconds to `completed` everywhere, seconds spent in the erase calls, seconds until each
    follower had applied every erasure) for these citizens."""
    headers = {"Authorization": f"Bearer {token}", "X-Purpose": "erasure benchmark"}
    watched: list[str] = []
    applied: dict[str, float] = {}
    async with httpx.AsyncClient(base_url=base_url, headers=headers, timeout=300) as http:
        started = time.perf_counter()
        for start in range(0, len(ids), MAX_PER_CALL):
            chunk = ids[start : start + MAX_PER_CALL]
            answer = (await http.post("/v1/citizens:erase", json={"ids": chunk})).raise_for_status().json()
            if answer["summary"]["erased"] != len(chunk):
                raise SystemExit(f"the registry did not erase every citizen: {answer['summary']}")
            watched.append(chunk[-1])
        calls = time.perf_counter() - started
        while True:
            progress = [(await http.get(f"/v1/citizens/{i}/erasure")).raise_for_status().json() for i in watched]
            now = time.perf_counter() - started
            for follower in progress[0]["followers"]:
                name = follower["service"]
                if name not in applied and all(
                    f["state"] == "applied" for p in progress for f in p["followers"] if f["service"] == name
                ):
                    applied[name] = now
            if all(p["status"] == "completed" for p in progress):
                return now, calls, applied
            if now > timeout:
                raise SystemExit(f"the erasure was not completed within {timeout:.0f} s: {progress[0]}")
            await asyncio.sleep(0.05)


async def run(args: argparse.Namespace, stack: ThroughGateway) -> None:
    run_id = uuid.uuid4().hex[:6]
    items = citizens(args.baseline + args.count, "DK-0336", run_id)
    bodies = [json.dumps({"items": items[i : i + MAX_PER_CALL]}).encode() for i in range(0, len(items), MAX_PER_CALL)]
    synced, totals = await push(stack.base_url, stack.token, bodies, clients=4)
    await caught_up(stack.database_url, stack.followers)
    print(f"synced {len(items):,} citizens in {synced:.1f} s {totals}; both followers hold them")
    ids = await citizen_ids(stack.database_url, [item["external_ref"] for item in items])
    rounds = {"baseline": ids[: args.baseline], "target": ids[args.baseline :]}
    figures = {}
    for name, chosen in rounds.items():
        elapsed, calls, applied = await erase_round(stack.base_url, stack.token, chosen, args.timeout)
        figures[name] = (len(chosen), elapsed)
        followers = ", ".join(f"{follower} {seconds:.2f} s" for follower, seconds in sorted(applied.items()))
        print(
            f"{name}: {len(chosen):,} citizens erased end to end in {elapsed:.2f} s "
            f"({calls:.2f} s in {-(-len(chosen) // MAX_PER_CALL)} erase calls; applied by {followers})"
        )
    load = os.getloadavg()
    print(f"machine: {platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}, load {load}")
    (base_n, base_s), (n, seconds) = figures["baseline"], figures["target"]
    print(
        f"per 1,000 citizens: baseline {base_s * 1000 / base_n:.2f} s, target round {seconds * 1000 / n:.2f} s "
        f"(ratio {(seconds / n) / (base_s / base_n):.2f}); target ≤ 60 s for 10,000: {seconds:.1f} s"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--baseline", type=int, default=1_000)
    parser.add_argument("--workers", type=int, default=1, help="registry's uvicorn workers")
    parser.add_argument("--timeout", type=float, default=600)
    args = parser.parse_args()
    with ThroughGateway(args.workers) as stack:
        asyncio.run(run(args, stack))


if __name__ == "__main__":
    main()
