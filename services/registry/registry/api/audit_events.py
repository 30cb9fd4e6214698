"""/v1/audit-events — who read a citizen's personal data, when and why (admin)."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Query

from registry.api.common import ERRORS
from registry.api.deps import Admin, CursorCodecDep, PageParamsDep, SessionDep
from registry.repository import audit
from registry.schemas.audit import AuditEventRead
from servicekit.pagination import Page
from servicekit.routing import JsonRoute

router = APIRouter(route_class=JsonRoute, prefix="/v1/audit-events", tags=["audit"])
KIND = "audit-events"


@router.get("", response_model=Page[AuditEventRead], responses=ERRORS)
async def list_audit_events(
    session: SessionDep,
    principal: Admin,
    page: PageParamsDep,
    codec: CursorCodecDep,
    citizen_id: Annotated[uuid.UUID, Query(description="The citizen whose data was read")],
) -> Any:
    """Reads of one citizen's data, oldest first (admin)."""
    after = int(codec.decode(page.cursor, kind=KIND)["id"]) if page.cursor else None
    found = await audit.list_for_citizen(
        session, citizen_id=citizen_id, tenant=principal.tenant, after_id=after, limit=page.limit + 1
    )
    shown = found[: page.limit]
    cursor = codec.encode({"id": shown[-1].id}, kind=KIND) if len(found) > page.limit else None
    return Page[AuditEventRead](
        items=[AuditEventRead.model_validate(r, from_attributes=True) for r in shown], next_cursor=cursor
    )
