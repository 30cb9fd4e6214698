"""Ranked, explained recommendations (openings for a citizen, citizens for an opening) and exposure."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from matching.domain.batch import top_citizens_per_opening
from matching.domain.errors import NoMatchingConsent, OpeningNotOpen
from matching.domain.exposure import GroupExposure, exposure
from matching.domain.personal_data import Actor
from matching.domain.recommend import Filters, recommend_citizens, recommend_openings
from matching.schemas.recommendations import RecommendationRead
from matching.store import profiles
from matching.store import recommendation_logs as logs
from servicekit.domain_errors import NotFound

from .engine import Engine, ModelInUse
from .records import log_served

EXPOSURE_LIST_LENGTH = 10
# Called on a miss: a citizen or opening created a moment ago may not have reached the feature store.
Refresh = Callable[[], Awaitable[None]]
T = TypeVar("T")


async def after_refresh_on_miss(load: Callable[[], Awaitable[T | None]], refresh: Refresh) -> T | None:
    """What `load` finds, asking the feed to catch up once when it finds nothing."""
    found = await load()
    if found is None:
        await refresh()
        found = await load()
    return found


@dataclass(frozen=True)
class Ranked:
    # As answered, each with the id of the log row its citizen's list is on record in.
    items: list[RecommendationRead]
    model: ModelInUse


async def openings_for_citizen(
    session: AsyncSession,
    engine: Engine,
    refresh: Refresh,
    citizen_id: uuid.UUID,
    *,
    limit: int,
    filters: Filters,
    actor: Actor,
) -> Ranked:
    """Open openings of the citizen's municipality ranked for the citizen (only with consent to
    matching), logged as served."""
    found = await after_refresh_on_miss(lambda: profiles.citizen_to_recommend(session, citizen_id), refresh)
    if found is None:
        raise NotFound(f"Citizen {citizen_id} not found.")
    citizen = found.citizen
    if not citizen.consent:
        raise NoMatchingConsent()
    model = await engine.model_by_id(session, found.active_model_id)
    catalogue = await engine.catalogues.get(session, citizen.municipality, version=found.catalogue_version)
    items = await asyncio.to_thread(
        recommend_openings, engine.space, model.model, citizen, catalogue, limit=limit, filters=filters
    )
    served = await log_served(session, items, model, actor, municipality=citizen.municipality, citizen_id=citizen_id)
    return Ranked(served, model)


async def citizens_for_opening(
    session: AsyncSession,
    engine: Engine,
    refresh: Refresh,
    opening_id: uuid.UUID,
    *,
    limit: int,
    filters: Filters,
    actor: Actor,
) -> Ranked:
    """Consenting citizens of the opening's municipality ranked for an open opening; each
    citizen's place in the list is logged as served to them."""
    model = await engine.model(session)
    opening = await after_refresh_on_miss(lambda: profiles.get_opening(session, opening_id), refresh)
    if opening is None:
        raise NotFound(f"Opening {opening_id} not found.")
    if opening.status != "open":
        raise OpeningNotOpen(opening.status)
    citizens = await profiles.consenting_citizens(session, opening.municipality)
    items = await asyncio.to_thread(
        recommend_citizens, engine.space, model.model, opening, citizens, limit=limit, filters=filters
    )
    served = await log_served(session, items, model, actor, municipality=opening.municipality, opening_id=opening_id)
    return Ranked(served, model)


@dataclass(frozen=True)
class Exposure:
    openings: int
    citizens: int
    list_length: int
    groups: list[GroupExposure]
    # (target group, decision, count) of caseworkers' recorded decisions.
    decisions: list[tuple[str, str, int]] = field(default_factory=list)


async def exposure_of(session: AsyncSession, engine: Engine, municipality: str) -> Exposure:
    """Share of top-10 slots each target group receives versus its share of consenting citizens."""
    citizens = await profiles.consenting_citizens(session, municipality)
    openings = await profiles.open_openings(session, municipality)
    model = await engine.model(session)
    lists = await asyncio.to_thread(
        top_citizens_per_opening, engine.space, model.model, citizens, openings, top_n=EXPOSURE_LIST_LENGTH
    )
    groups = exposure([c.target_group for c in citizens], [[citizens[i].target_group for i in row] for row in lists])
    decided = await logs.decision_counts(session, municipality)
    return Exposure(len(openings), len(citizens), EXPOSURE_LIST_LENGTH, groups, decided)
