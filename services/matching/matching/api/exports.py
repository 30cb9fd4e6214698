"""/internal/v1/citizens/{id}/export — what matching holds about a citizen, for the registry's export."""

from __future__ import annotations

import uuid

from fastapi import APIRouter

from matching.api.deps import ERRORS, ActorDep, Internal, SessionDep
from matching.schemas.exports import MatchingExport
from matching.usecases import exports
from servicekit.routing import JsonRoute

router = APIRouter(route_class=JsonRoute, prefix="/internal/v1/citizens", tags=["internal"])


@router.get("/{citizen_id}/export", response_model=MatchingExport, responses=ERRORS)
async def export_citizen(
    citizen_id: uuid.UUID, session: SessionDep, principal: Internal, actor: ActorDep
) -> MatchingExport:
    """Features, recommendation lists served (model, explanation) and decisions (schema version 1;
    empty lists and `features: null` when matching holds nothing, never 404)."""
    return await exports.export_citizen(session, citizen_id, actor)
