"""/v1/recommendations — openings ranked for a citizen, citizens ranked for an opening, exposure."""

from __future__ import annotations

import asyncio
import uuid
from typing import Annotated

from fastapi import APIRouter, Query

from matching import repository as repo
from matching.api.common import ERRORS, model_ref, recommendation_read
from matching.api.deps import EngineDep, FeedRefresh, Reader, SessionDep
from matching.domain.batch import top_citizens_per_opening
from matching.domain.exposure import exposure
from matching.domain.recommend import Filters, recommend_citizens, recommend_openings
from matching.schemas import ExposureRead, GroupExposureRead, RecommendationPage
from servicekit.errors import Conflict, FieldError, NotFound, ValidationFailed
from servicekit.routing import JsonRoute

router = APIRouter(route_class=JsonRoute, prefix="/v1/recommendations", tags=["recommendations"])
EXPOSURE_LIST_LENGTH = 10


@router.get("", response_model=RecommendationPage, responses=ERRORS)
async def list_recommendations(
    session: SessionDep,
    principal: Reader,
    engine: EngineDep,
    refresh: FeedRefresh,
    citizen_id: Annotated[uuid.UUID | None, Query(description="Rank open openings for this citizen")] = None,
    opening_id: Annotated[uuid.UUID | None, Query(description="Rank consenting citizens for this opening")] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 10,
    max_distance_km: Annotated[float | None, Query(gt=0, le=2000)] = None,
    min_hours: Annotated[float | None, Query(ge=0, le=60)] = None,
    flexjob_only: bool = False,
) -> RecommendationPage:
    """Ranked, explained recommendations for one citizen (openings) or one opening (citizens)."""
    if (citizen_id is None) == (opening_id is None):
        raise ValidationFailed(
            "Give exactly one of citizen_id or opening_id.",
            errors=[FieldError("query.citizen_id", "give exactly one of citizen_id or opening_id")],
        )
    filters = Filters(max_distance_km=max_distance_km, min_hours=min_hours, flexjob_only=flexjob_only)
    if citizen_id is not None:
        found = await repo.citizen_to_recommend(session, citizen_id)
        if found is None:
            await refresh()
            found = await repo.citizen_to_recommend(session, citizen_id)
        if found is None:
            raise NotFound(f"Citizen {citizen_id} not found.")
        citizen = found.citizen
        if not citizen.consent:
            raise Conflict(
                "The citizen has not consented to matching (consent.matching is false or missing); "
                "citizens are never scored without it.",
                reason="no_matching_consent",
            )
        model = await engine.model_by_id(session, found.active_model_id)
        catalogue = await engine.catalogues.get(session, citizen.municipality, version=found.catalogue_version)
        items = await asyncio.to_thread(
            recommend_openings, engine.space, model.model, citizen, catalogue, limit=limit, filters=filters
        )
    else:
        assert opening_id is not None
        model = await engine.model(session)
        opening = await repo.get_opening(session, opening_id)
        if opening is None:
            await refresh()
            opening = await repo.get_opening(session, opening_id)
        if opening is None:
            raise NotFound(f"Opening {opening_id} not found.")
        if opening.status != "open":
            raise Conflict(
                f"The opening is {opening.status}; only open openings are matched.", reason="opening_not_open"
            )
        citizens = await repo.consenting_citizens(session, opening.municipality)
        items = await asyncio.to_thread(
            recommend_citizens, engine.space, model.model, opening, citizens, limit=limit, filters=filters
        )
    return RecommendationPage(items=[recommendation_read(item) for item in items], model=model_ref(model))


@router.get("/exposure", response_model=ExposureRead, responses=ERRORS)
async def recommendation_exposure(
    session: SessionDep,
    principal: Reader,
    engine: EngineDep,
    municipality: Annotated[str, Query(min_length=2, max_length=16, examples=["DK-0336"])],
) -> ExposureRead:
    """Share of top-10 slots each target group receives versus its share of consenting citizens."""
    if not principal.can_see(municipality):
        raise NotFound(f"Municipality {municipality} not found.")
    citizens = await repo.consenting_citizens(session, municipality)
    openings = await repo.open_openings(session, municipality)
    model = await engine.model(session)
    lists = await asyncio.to_thread(
        top_citizens_per_opening, engine.space, model.model, citizens, openings, top_n=EXPOSURE_LIST_LENGTH
    )
    groups = exposure([c.target_group for c in citizens], [[citizens[i].target_group for i in row] for row in lists])
    return ExposureRead(
        municipality=municipality,
        openings=len(openings),
        citizens=len(citizens),
        list_length=EXPOSURE_LIST_LENGTH,
        groups=[GroupExposureRead.model_validate(g, from_attributes=True) for g in groups],
    )
