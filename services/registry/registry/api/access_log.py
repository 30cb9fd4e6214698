"""A citizen's access log, and the internal endpoint other services report their accesses to."""

from __future__ import annotations

import uuid

from fastapi import APIRouter

from registry.api.deps import AccessLogReader, CursorCodecDep, Internal, PageParamsDep, SessionDep
from registry.schemas.access_log import AccessLogEntry, AccessReportReceipt, AccessReports
from registry.usecases import access_log as usecase
from servicekit.idempotency import idempotent
from servicekit.openapi import ERRORS
from servicekit.pagination import Keyset, Page
from servicekit.routing import JsonRoute

router = APIRouter(route_class=JsonRoute)
KIND = "access-log"


@router.get(
    "/v1/citizens/{citizen_id}/access-log", response_model=Page[AccessLogEntry], responses=ERRORS, tags=["audit"]
)
async def read_access_log(
    citizen_id: uuid.UUID,
    session: SessionDep,
    principal: AccessLogReader,
    page: PageParamsDep,
    codec: CursorCodecDep,
) -> Page[AccessLogEntry]:
    """Who read, exported, changed or erased the citizen's data, and when (GDPR art. 15), oldest first."""
    keyset = Keyset.by_number(KIND, "id")
    items, more_after = await usecase.read_access_log(
        session, citizen_id, tenant=principal.tenant, after_id=keyset.start(codec, page.cursor), limit=page.limit
    )
    return Page[AccessLogEntry](items=items, next_cursor=keyset.cursor(codec, more_after))


@router.post("/internal/v1/access-log", response_model=AccessReportReceipt, responses=ERRORS, tags=["internal"])
@idempotent
async def report_access(body: AccessReports, session: SessionDep, principal: Internal) -> AccessReportReceipt:
    """Record accesses to citizens' data in other services (scope internal), up to 1,000 at once."""
    return await usecase.record_reports(session, body)
