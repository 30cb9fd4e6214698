"""The audit log of reads of a citizen's personal data (who, when, why)."""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from registry.schemas.audit import AuditEventRead
from registry.store import audit


async def list_audit_events(
    session: AsyncSession, *, citizen_id: uuid.UUID, tenant: str, after_id: int | None, limit: int
) -> tuple[list[AuditEventRead], int | None]:
    """Audit events of one citizen in id order after `after_id`, and the last id when more follow."""
    rows = await audit.list_for_citizen(
        session, citizen_id=citizen_id, tenant=tenant, after_id=after_id, limit=limit + 1
    )
    more_after = rows[limit - 1].id if len(rows) > limit else None
    return [AuditEventRead.model_validate(r, from_attributes=True) for r in rows[:limit]], more_after
