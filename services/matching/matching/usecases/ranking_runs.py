"""The national ranking run on Dask, stored as a versioned run the API serves.

    python -m matching.usecases.ranking_runs [--scheduler tcp://host:8786] [--workers 2] [--top-n 20]

Without --scheduler a dask.distributed LocalCluster of --workers processes runs on this machine;
the same code runs on a real cluster. One task per commuting region (domain/national.py), the
largest first, with a progress bar; the skill space and the model are sent to every worker once.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import dataclasses
import resource
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession

from matching.domain.national import (
    APPROXIMATE_REGIONS,
    Block,
    BlockRanking,
    CommutingRegions,
    rank_block,
    ranked_lists,
)
from matching.domain.personal_data import Actor, access_entry
from matching.domain.ranking import ScoringModel
from matching.domain.skill_space import SkillSpace
from matching.schemas.ranking_runs import CitizenRankingRead, RankedOpening, RankingRunRead
from matching.settings import Settings
from matching.store import access_outbox, events, profiles, ranking_runs
from servicekit.db import Database, set_tenant
from servicekit.domain_errors import NotFound
from servicekit.municipalities import NATIONAL

from .engine import Engine, build_engine


def rank_measured(space: SkillSpace, model: ScoringModel, block: Block, *, top_n: int) -> BlockRanking:
    """`rank_block`, with the CPU seconds it took and the peak memory of the process it ran in."""
    started = time.process_time()
    ranking = rank_block(space, model, block, top_n=top_n)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 / 1024
    return dataclasses.replace(ranking, cpu_seconds=time.process_time() - started, peak_rss_gb=peak)


def rank_on_dask(
    space: SkillSpace,
    model: ScoringModel,
    work: Sequence[Block],
    *,
    top_n: int,
    scheduler: str | None = None,
    workers: int = 1,
    progress: bool = True,
) -> list[BlockRanking]:
    """Every block ranked by `rank_block` on a Dask cluster (a LocalCluster of `workers` processes
    unless `scheduler` names one). Each block's lists come back as compact arrays and the worker's
    copy is released as soon as it arrives."""
    import dask
    from dask.distributed import Client, LocalCluster, as_completed
    from tqdm import tqdm

    cluster = (
        None if scheduler else LocalCluster(n_workers=workers, threads_per_worker=1, dashboard_address=":0")  # type: ignore[no-untyped-call]
    )
    client = Client(scheduler) if scheduler else Client(cluster)  # type: ignore[no-untyped-call]
    # A block travels inside its own task (tens of MB for a large region; Dask warns above 10 MB):
    # scattering the blocks first would place them on workers before the scheduler balances the
    # tasks, and each block is used by exactly one task.
    large_tasks = {"distributed.admin.large-graph-warning-threshold": "1GB"}
    try:
        shared_space, shared_model = client.scatter([space, model], broadcast=True)  # type: ignore[no-untyped-call]
        with dask.config.set(large_tasks):
            pending = as_completed(  # type: ignore[no-untyped-call]
                client.submit(rank_measured, shared_space, shared_model, block, top_n=top_n, pure=False)
                for block in work
            )
        done: list[BlockRanking] = []
        bar = tqdm(total=sum(len(b.citizens) for b in work), unit="citizen", disable=not progress)
        for future in pending:
            ranking: BlockRanking = future.result()
            future.release()
            done.append(ranking)
            bar.update(len(ranking.openings))
        bar.close()
        return done
    finally:
        client.close()  # type: ignore[no-untyped-call]
        if cluster is not None:
            cluster.close()


# Citizens' lists turned into rows and inserted at once: the rows of the whole country as Python
# objects would cost gigabytes; the compact arrays of every block cost 8 bytes per list entry.
ENTRIES_PER_INSERT = 5_000


@dataclass(frozen=True)
class RunSettings:
    top_n: int = 20
    scheduler: str | None = None
    workers: int = 1
    progress: bool = True
    regions: CommutingRegions = APPROXIMATE_REGIONS


def commuting_regions(path: Path | None) -> CommutingRegions:
    """The official commuting-area table in a CSV file (columns `municipality`, `region`; others,
    such as the source, are ignored), or the approximation without one."""
    if path is None:
        return APPROXIMATE_REGIONS
    with path.open(newline="", encoding="utf-8") as file:
        return CommutingRegions.from_rows(csv.DictReader(file), source=path.name)


async def run_national(database: Database, engine: Engine, options: RunSettings) -> RankingRunRead:
    """Rank every consenting citizen of the country against the open openings of their commuting
    region with the model that scores now (the active one, else the default) and store the lists
    as the next run."""
    async with database.sessions() as session, session.begin():
        await set_tenant(session, NATIONAL)
        in_use = await engine.model(session)
        population = await profiles.national_population(session, engine.space, options.regions)
    work = population.blocks()
    started = time.perf_counter()
    ranked = await asyncio.to_thread(
        rank_on_dask,
        engine.space,
        in_use.model,
        work,
        top_n=options.top_n,
        scheduler=options.scheduler,
        workers=options.workers,
        progress=options.progress,
    )
    seconds = time.perf_counter() - started
    async with database.sessions() as session, session.begin():
        await set_tenant(session, NATIONAL)
        run = await ranking_runs.insert_run(
            session,
            model=in_use.name,
            model_id=in_use.id,
            top_n=options.top_n,
            citizens=sum(len(b.citizens) for b in work),
            openings=sum(len(b.openings) for b in work),
            blocks=len(work),
            workers=options.workers,
            seconds=round(seconds, 3),
        )
        by_region = {r.region: r for r in ranked}
        for block in work:
            ranking = by_region[block.region]
            for start in range(0, len(block.citizens), ENTRIES_PER_INSERT):
                rows = range(start, min(start + ENTRIES_PER_INSERT, len(block.citizens)))
                await ranking_runs.insert_entries(session, run.id, ranked_lists(block, ranking, rows))
        await events.ranking_run_finished(session, run)  # webhooks: in the run's transaction
    return run


async def list_runs(session: AsyncSession, *, before_version: int | None, limit: int) -> list[RankingRunRead]:
    return await ranking_runs.list_runs(session, before_version=before_version, limit=limit)


async def citizen_ranking(
    session: AsyncSession, run_id: uuid.UUID, citizen_id: uuid.UUID, actor: Actor
) -> CitizenRankingRead:
    """The citizen's list in the run (another municipality's citizen, or one without consent to
    matching, is not found); the read goes to the access log."""
    run = await ranking_runs.get_run(session, run_id)
    if run is None:
        raise NotFound(f"Ranking run {run_id} not found.")
    entry = await ranking_runs.citizen_entry(session, run_id, citizen_id)
    if entry is None:
        raise NotFound(f"Citizen {citizen_id} is not in ranking run {run_id}.")
    ids, scores = entry
    await access_outbox.add(session, [access_entry(str(citizen_id), "recommendation", datetime.now(UTC), actor=actor)])
    return CitizenRankingRead(
        run_id=run.id,
        version=run.version,
        citizen_id=citizen_id,
        items=[
            RankedOpening(opening_id=uuid.UUID(o), score=s, rank=rank)
            for rank, (o, s) in enumerate(zip(ids, scores, strict=True), start=1)
        ],
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--scheduler", default=None, help="tcp://host:port of a Dask scheduler (default: a LocalCluster)"
    )
    parser.add_argument("--workers", type=int, default=1, help="LocalCluster worker processes")
    parser.add_argument("--top-n", type=int, default=20)
    args = parser.parse_args()
    settings = Settings()
    engine = build_engine(settings.esco_dir)

    async def go() -> RankingRunRead:
        database = Database(settings.database_url)
        try:
            options = RunSettings(
                top_n=args.top_n,
                scheduler=args.scheduler,
                workers=args.workers,
                regions=commuting_regions(settings.commuting_regions_file),
            )
            return await run_national(database, engine, options)
        finally:
            await database.dispose()

    run = asyncio.run(go())
    print(f"ranking run {run.version} ({run.id}): {run.citizens:,} citizens, {run.blocks} blocks, {run.seconds:.1f} s")


if __name__ == "__main__":
    main()
