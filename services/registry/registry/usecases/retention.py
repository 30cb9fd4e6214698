"""Retention: erase the citizens whose programme ended longer ago than their municipality keeps data."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncSession

from registry.domain.retention import ENDED_PHASES, RETENTION_ACTOR
from registry.store import citizens as citizen_store
from registry.usecases.actors import Actor
from registry.usecases.erasure import erase_citizens


@dataclass
class RetentionRun:
    """What a run found (and, unless a dry run, erased), by municipality."""

    run_id: str
    dry_run: bool
    due: dict[str, list[uuid.UUID]] = field(default_factory=dict)
    erased: int = 0


async def due_for_erasure(
    session: AsyncSession, *, now: dt.datetime, municipality: str | None, limit: int
) -> dict[str, list[uuid.UUID]]:
    """Citizens past their municipality's retention period, by municipality."""
    rows = await citizen_store.past_retention(
        session, now=now, ended_phases=ENDED_PHASES, municipality=municipality, limit=limit
    )
    due: dict[str, list[uuid.UUID]] = {}
    for row in rows:
        due.setdefault(row.municipality, []).append(row.id)
    return due


async def erase_due(session: AsyncSession, citizen_ids: list[uuid.UUID], *, run_id: str) -> int:
    """Erase citizens a run found, audited as the retention job on the run's id; how many were erased."""
    actor = Actor(RETENTION_ACTOR, "*", True, run_id)
    result = await erase_citizens(session, citizen_ids, tenant="*", actor=actor, purpose="retention period ended")
    return result.summary.erased
