"""/v1/models — train scoring models from recorded outcomes, list them, activate one."""

from __future__ import annotations

import uuid

from fastapi import APIRouter

from matching.api.deps import ERRORS, EngineDep, OutcomesDep, Reader, Runner, SessionDep
from matching.schemas.models import ModelPage, ModelRead
from matching.usecases import models
from servicekit.domain_errors import Forbidden
from servicekit.idempotency import idempotent
from servicekit.pagination import CursorCodecDep, Keyset, PageParamsDep
from servicekit.routing import JsonRoute

router = APIRouter(route_class=JsonRoute, prefix="/v1/models", tags=["models"])


@router.post("", status_code=201, response_model=ModelRead, responses=ERRORS)
@idempotent
async def create_model(session: SessionDep, principal: Runner, engine: EngineDep, outcomes: OutcomesDep) -> ModelRead:
    """Train a calibrated model from placement outcomes (409 says how many outcomes are needed)."""
    return await models.train_from_outcomes(session, engine, outcomes)


KEYSET = Keyset.by_number("models", "version")


@router.get("", response_model=ModelPage, responses=ERRORS)
async def list_models(
    session: SessionDep, principal: Reader, engine: EngineDep, page: PageParamsDep, codec: CursorCodecDep
) -> ModelPage:
    """Model versions, newest first, with validation AUC, Brier score and precision@10."""
    versions = await models.model_versions(
        session, engine, before_version=KEYSET.start(codec, page.cursor), limit=page.limit + 1
    )
    items, next_cursor = KEYSET.page(codec, page.limit, versions.items, lambda model: model.version)
    return ModelPage(items=items, next_cursor=next_cursor, active_model=versions.active_name)


@router.get("/{model_id}", response_model=ModelRead, responses=ERRORS)
async def get_model(model_id: uuid.UUID, session: SessionDep, principal: Reader) -> ModelRead:
    """One model version with its validation metrics."""
    return await models.model_version(session, model_id)


@router.post("/{model_id}:activate", response_model=ModelRead, responses=ERRORS)
@idempotent
async def activate_model(model_id: uuid.UUID, session: SessionDep, principal: Runner) -> ModelRead:
    """Make this version the one that scores (the previous active one is deactivated).

    The active model scores for every municipality, so only a national client (tenant `*`) may
    switch it; a municipal client may train candidates from its own outcomes and read them."""
    if not principal.is_national:
        raise Forbidden("The active model scores for every municipality; only a national client may activate one.")
    return await models.activate(session, model_id)
