"""Scoring models: train one from recorded placement outcomes, list, read, activate."""

from __future__ import annotations

import asyncio
import dataclasses
import uuid
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from matching.clients.outcomes import OutcomesClient
from matching.domain.personal_data import TRAINING_LABELS
from matching.domain.ranking import TrainedModel
from matching.domain.training import TrainingResult, check_better_than_default, train_model
from matching.domain.training_set import LabelledPlacement, TrainingSet, training_set, with_decision_labels
from matching.schemas.models import ModelRead
from matching.store import profiles, recommendation_logs, scoring_models
from servicekit.domain_errors import NotFound

from .engine import Engine


def fit(rows: TrainingSet) -> TrainingResult:
    return train_model(rows.features, rows.labels, rows.groups)


async def train_from_outcomes(session: AsyncSession, engine: Engine, outcomes: OutcomesClient) -> ModelRead:
    """Train a calibrated model on the placements whose 3-month result is known and on
    caseworkers' decisions (rejected: negative, hired: positive) on pairs no placement labels;
    store it (inactive), its metrics saying how many labels came from each."""
    recorded = await outcomes.placement_outcomes()
    placements = [
        LabelledPlacement(o.citizen_id, o.opening_id, bool(o.lasted_3_months))
        for o in recorded
        if o.lasted_3_months is not None and o.opening_id is not None
    ]
    decided = await recommendation_logs.labelled_decisions(session, dict(TRAINING_LABELS))
    labelled, _ = with_decision_labels(placements, decided)
    citizens = await profiles.citizens_by_id(session, [uuid.UUID(p.citizen_id) for p in labelled])
    openings = await profiles.openings_by_id(session, [uuid.UUID(p.opening_id) for p in labelled])
    rows = await asyncio.to_thread(training_set, engine.space, labelled, citizens, openings)
    result = await asyncio.to_thread(fit, rows)  # NotEnoughOutcomes (409) says how many are needed
    model = result.model
    used = set(rows.pairs)
    labels = {
        "placements": sum((p.citizen_id, p.opening_id) in used for p in placements),
        "decisions": sum((p.citizen_id, p.opening_id) in used for p in labelled[len(placements) :]),
    }
    return await scoring_models.insert_model(
        session,
        kind=model.name,
        metrics={**dataclasses.asdict(result.metrics), "labels": labels},
        outcomes_used=len(rows.labels),
        sklearn_version=model.sklearn_version,
        feature_schema=list(model.features),
        blob=model.to_bytes(),
    )


@dataclass(frozen=True)
class ModelVersions:
    items: list[ModelRead]
    active_name: str


async def model_versions(
    session: AsyncSession, engine: Engine, *, before_version: int | None, limit: int
) -> ModelVersions:
    """Stored versions, newest first from before `before_version`, and the name of the model scoring now."""
    items = await scoring_models.list_models(session, before_version=before_version, limit=limit)
    active = await engine.model(session)
    return ModelVersions(items, active.name)


async def model_version(session: AsyncSession, model_id: uuid.UUID) -> ModelRead:
    found = await scoring_models.get_model(session, model_id)
    if found is None:
        raise NotFound(f"Model {model_id} not found.")
    return found


async def activate(session: AsyncSession, model_id: uuid.UUID) -> ModelRead:
    """Make this version the one that scores (the previous active one is deactivated); a model
    this service cannot load (other features, another scikit-learn) is refused here, not later, and
    so is one whose held-out AUC is not above the default model's (409 naming the metric)."""
    found = await model_version(session, model_id)
    check_better_than_default(found.metrics.model_dump())
    blob = await scoring_models.model_blob(session, model_id)
    await asyncio.to_thread(TrainedModel.from_bytes, blob)  # raises ModelIncompatible (409)
    return await scoring_models.activate_model(session, model_id)
