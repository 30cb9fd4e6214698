"""/v1/models — train scoring models from recorded outcomes, list them, activate one."""

from __future__ import annotations

import asyncio
import dataclasses
import uuid
from typing import Any

from fastapi import APIRouter

from matching import repository as repo
from matching.api.common import ERRORS
from matching.api.deps import EngineDep, IdempotencyDep, OutcomesDep, Reader, Runner, SessionDep
from matching.domain.ranking import TrainedModel
from matching.domain.training import NotEnoughOutcomes, TrainingResult, train_model
from matching.domain.training_set import LabelledPlacement, TrainingSet, training_set
from matching.schemas import ModelPage, ModelRead, model_read
from servicekit.errors import Conflict, Forbidden, NotFound
from servicekit.routing import JsonRoute

router = APIRouter(route_class=JsonRoute, prefix="/v1/models", tags=["models"])


def fit(rows: TrainingSet) -> TrainingResult:
    return train_model(rows.features, rows.labels, rows.groups)


@router.post("", status_code=201, response_model=ModelRead, responses=ERRORS)
async def create_model(
    session: SessionDep, principal: Runner, engine: EngineDep, outcomes: OutcomesDep, idem: IdempotencyDep
) -> Any:
    """Train a calibrated model from placement outcomes (409 says how many outcomes are needed)."""
    if replay := await idem.replay():
        return replay
    recorded = await outcomes.placement_outcomes()
    labelled = [
        LabelledPlacement(o.citizen_id, o.opening_id, bool(o.lasted_3_months))
        for o in recorded
        if o.lasted_3_months is not None and o.opening_id is not None
    ]
    citizens = await repo.citizens_by_id(session, [uuid.UUID(p.citizen_id) for p in labelled])
    openings = await repo.openings_by_id(session, [uuid.UUID(p.opening_id) for p in labelled])
    rows = await asyncio.to_thread(training_set, engine.space, labelled, citizens, openings)
    try:
        result = await asyncio.to_thread(fit, rows)
    except NotEnoughOutcomes as error:
        raise Conflict(str(error), reason="not_enough_outcomes", needed=error.need, usable=error.have) from error
    model: TrainedModel = result.model
    row = await repo.insert_model(
        session,
        kind=model.name,
        metrics=dataclasses.asdict(result.metrics),
        outcomes_used=len(rows.labels),
        sklearn_version=model.sklearn_version,
        blob=model.to_bytes(),
    )
    return await idem.remember(201, model_read(row))


@router.get("", response_model=ModelPage, responses=ERRORS)
async def list_models(session: SessionDep, principal: Reader, engine: EngineDep) -> ModelPage:
    """Model versions, newest first, with validation AUC, Brier score and precision@10."""
    rows = await repo.list_models(session)
    active = await engine.model(session)
    return ModelPage(items=[model_read(row) for row in rows], active_model=active.name)


@router.get("/{model_id}", response_model=ModelRead, responses=ERRORS)
async def get_model(model_id: uuid.UUID, session: SessionDep, principal: Reader) -> ModelRead:
    """One model version with its validation metrics."""
    row = await repo.get_model(session, model_id)
    if row is None:
        raise NotFound(f"Model {model_id} not found.")
    return model_read(row)


@router.post("/{model_id}:activate", response_model=ModelRead, responses=ERRORS)
async def activate_model(model_id: uuid.UUID, session: SessionDep, principal: Runner) -> ModelRead:
    """Make this version the one that scores (the previous active one is deactivated).

    The active model scores for every municipality, so only a national client (tenant `*`) may
    switch it; a municipal client may train candidates from its own outcomes and read them."""
    if not principal.is_national:
        raise Forbidden("The active model scores for every municipality; only a national client may activate one.")
    if await repo.get_model(session, model_id) is None:
        raise NotFound(f"Model {model_id} not found.")
    return model_read(await repo.activate_model(session, model_id))
