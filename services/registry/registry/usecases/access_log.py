"""A citizen's access log: the registry's audit entries and those other services report to it."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from registry.domain.access_log import shown_client, what_of
from registry.schemas.access_log import AccessLogEntry, Accessor, AccessReportReceipt, AccessReports
from registry.store import audit
from registry.store import citizens as citizen_store
from servicekit.domain_errors import NotFound


def access_entry(row: Any) -> AccessLogEntry:
    return AccessLogEntry(
        occurred_at=row.occurred_at,
        who=Accessor(client=shown_client(row.actor, system=row.system), municipality=row.actor_municipality),
        what=what_of(row.action),
        service=row.service,
        purpose=row.purpose,
        request_id=row.request_id,
    )


async def read_access_log(
    session: AsyncSession, citizen_id: uuid.UUID, *, tenant: str, after_id: int | None, limit: int
) -> tuple[list[AccessLogEntry], int | None]:
    """Who accessed the citizen's data, oldest first (erased citizens too: the erasure is an entry)."""
    if not await citizen_store.known(session, [citizen_id], tenant=tenant):
        raise NotFound("Citizen not found.")
    rows = await audit.list_for_citizen(
        session, citizen_id=citizen_id, tenant=tenant, after_id=after_id, limit=limit + 1
    )
    more_after = rows[limit - 1].id if len(rows) > limit else None
    return [access_entry(r) for r in rows[:limit]], more_after


async def record_reports(session: AsyncSession, body: AccessReports) -> AccessReportReceipt:
    """Record the accesses other services report; entries naming a citizen the registry does not hold are left out."""
    known = await citizen_store.known(session, list({e.citizen_id for e in body.entries}), tenant="*")
    entries = [
        {
            "citizen_id": e.citizen_id,
            "municipality": known[e.citizen_id].municipality,
            "actor": e.client,
            "actor_municipality": e.client_municipality,
            "system": e.system,
            "service": e.service,
            "action": e.what,
            "purpose": e.purpose,
            "request_id": e.request_id,
            "occurred_at": e.occurred_at,
        }
        for e in body.entries
        if e.citizen_id in known
    ]
    await audit.record_entries(session, entries)
    unknown = sorted({e.citizen_id for e in body.entries if e.citizen_id not in known}, key=str)
    return AccessReportReceipt(recorded=len(entries), unknown_citizens=unknown)
