"""/v1/audit-events — who read a citizen's personal data, when and why (admin)."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query

from registry.api.deps import Admin, CursorCodecDep, PageParamsDep, SessionDep
from registry.schemas.audit import AuditEventRead
from registry.usecases.audit_events import list_audit_events as list_for_citizen
from servicekit.openapi import ERRORS
from servicekit.pagination import Keyset, Page
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
) -> Page[AuditEventRead]:
    """Reads of one citizen's data, oldest first (admin)."""
    keyset = Keyset.by_number(KIND, "id")
    items, more_after = await list_for_citizen(
        session,
        citizen_id=citizen_id,
        tenant=principal.tenant,
        after_id=keyset.start(codec, page.cursor),
        limit=page.limit,
    )
    return Page[AuditEventRead](items=items, next_cursor=keyset.cursor(codec, more_after))
