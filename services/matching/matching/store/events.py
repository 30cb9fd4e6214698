"""Facts for the events feed (`/internal/v1/events`, followed by the webhooks service), appended in
the transaction that made them true. Ids and counts only."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from matching.schemas.ranking_runs import RankingRunRead
from matching.store.tables import events
from servicekit.events import Event, append_events


async def ranking_run_finished(session: AsyncSession, run: RankingRunRead) -> None:
    """`ranking_run.finished`: national, so every subscribed municipality hears of it."""
    fact = Event.about(
        "ranking_run.finished",
        str(run.id),
        municipality=None,
        data={
            "ranking_run_id": str(run.id),
            "version": run.version,
            "citizens": run.citizens,
            "openings": run.openings,
        },
    )
    await append_events(session, events, [fact])
