"""Retention of what matching records about citizens: recommendation lists served and the
caseworkers' decisions on them are kept `record_retention_days` (5 years by default, the
registry's default `retention_years`), counted from when they were served or taken.

A citizen the registry erases (on request, or by its retention job) leaves matching entirely
through the change feed; this keeps the records of citizens still in the registry from growing
without end.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from matching.store import recommendation_logs as store


@dataclass(frozen=True)
class RecordsPastRetention:
    cutoff: dt.datetime
    recommendation_logs: int
    decisions: int
    dry_run: bool


async def purge_expired_records(
    session: AsyncSession, *, now: dt.datetime, retention_days: int, dry_run: bool
) -> RecordsPastRetention:
    """Delete (or, in a dry run, count) the lists served and decisions older than the retention period."""
    cutoff = now - dt.timedelta(days=retention_days)
    counted = store.count_expired if dry_run else store.delete_expired
    logs, decisions = await counted(session, cutoff)
    return RecordsPastRetention(cutoff=cutoff, recommendation_logs=logs, decisions=decisions, dry_run=dry_run)
