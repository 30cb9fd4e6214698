"""/internal/v1/citizens/{id}/export — what outcomes holds about a citizen, for the registry's export."""

from __future__ import annotations

import uuid
from datetime import date

from fastapi import APIRouter

from outcomes.api.deps import Internal, SessionDep, SettingsDep
from outcomes.schemas.exports import OutcomesExport
from outcomes.usecases import exports
from servicekit.access_outbox import ActorDep
from servicekit.openapi import ERRORS
from servicekit.routing import JsonRoute

router = APIRouter(route_class=JsonRoute, prefix="/internal/v1/citizens", tags=["internal"])


@router.get("/{citizen_id}/export", response_model=OutcomesExport, responses=ERRORS)
async def export_citizen(
    citizen_id: uuid.UUID, session: SessionDep, principal: Internal, actor: ActorDep, settings: SettingsDep
) -> OutcomesExport:
    """Enrolment, outcome events, monthly savings lines and the payments based on them (schema version 1;
    empty lists when outcomes holds nothing, never 404)."""
    return await exports.export_citizen(
        session, citizen_id, actor, default_rate_cards=settings.default_rate_cards, today=date.today()
    )
