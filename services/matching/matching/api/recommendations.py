"""/v1/recommendations — openings ranked for a citizen, citizens ranked for an opening, exposure."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query

from matching.api.deps import ERRORS, ActorDep, EngineDep, FeedRefresh, Reader, SessionDep
from matching.domain.recommend import Filters
from matching.schemas.models import ModelRef
from matching.schemas.recommendations import (
    DecisionCountRead,
    ExposureRead,
    GroupExposureRead,
    RecommendationPage,
)
from matching.usecases import recommendations
from servicekit.domain_errors import FieldError, NotFound, ValidationFailed
from servicekit.municipalities import MUNICIPALITY_CODE_PATTERN
from servicekit.routing import JsonRoute
from servicekit.strict import QueryBool

router = APIRouter(route_class=JsonRoute, prefix="/v1/recommendations", tags=["recommendations"])


@router.get("", response_model=RecommendationPage, responses=ERRORS)
async def list_recommendations(
    session: SessionDep,
    principal: Reader,
    engine: EngineDep,
    refresh: FeedRefresh,
    actor: ActorDep,
    citizen_id: Annotated[uuid.UUID | None, Query(description="Rank open openings for this citizen")] = None,
    opening_id: Annotated[uuid.UUID | None, Query(description="Rank consenting citizens for this opening")] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 10,
    max_distance_km: Annotated[float | None, Query(gt=0, le=2000)] = None,
    min_hours: Annotated[float | None, Query(ge=0, le=60)] = None,
    flexjob_only: Annotated[QueryBool, Query()] = False,
) -> RecommendationPage:
    """Ranked, explained recommendations for one citizen (openings; 409 without consent to matching)
    or one opening (consenting citizens). Every list served is on record per citizen
    (`recommendation_log_id`; GET /v1/recommendation-logs)."""
    filters = Filters(max_distance_km=max_distance_km, min_hours=min_hours, flexjob_only=flexjob_only)
    if citizen_id is not None and opening_id is None:
        ranked = await recommendations.openings_for_citizen(
            session, engine, refresh, citizen_id, limit=limit, filters=filters, actor=actor
        )
    elif opening_id is not None and citizen_id is None:
        ranked = await recommendations.citizens_for_opening(
            session, engine, refresh, opening_id, limit=limit, filters=filters, actor=actor
        )
    else:
        raise ValidationFailed(
            "Give exactly one of citizen_id or opening_id.",
            errors=[FieldError("query.citizen_id", "give exactly one of citizen_id or opening_id", "exactly_one")],
        )
    return RecommendationPage(items=ranked.items, model=ModelRef(id=ranked.model.id, name=ranked.model.name))


@router.get("/exposure", response_model=ExposureRead, responses=ERRORS)
async def recommendation_exposure(
    session: SessionDep,
    principal: Reader,
    engine: EngineDep,
    municipality: Annotated[str, Query(pattern=MUNICIPALITY_CODE_PATTERN, examples=["DK-0336"])],
) -> ExposureRead:
    """Share of top-10 slots each target group receives versus its share of consenting citizens."""
    if not principal.can_see(municipality):
        raise NotFound(f"Municipality {municipality} not found.")
    found = await recommendations.exposure_of(session, engine, municipality)
    return ExposureRead(
        municipality=municipality,
        openings=found.openings,
        citizens=found.citizens,
        list_length=found.list_length,
        groups=[GroupExposureRead.from_exposure(g) for g in found.groups],
        decisions=[DecisionCountRead(target_group=g, decision=d, count=n) for g, d, n in found.decisions],
    )
