"""/v1/models: scoring model versions with their validation metrics."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, Field


class ModelRef(BaseModel):
    id: uuid.UUID | None
    name: str


class TrainingLabels(BaseModel):
    placements: int = Field(description="Rows labelled by a placement's three-month outcome (outcomes service)")
    decisions: int = Field(description="Rows labelled by a caseworker's decision (rejected: 0, hired: 1)")


class ModelMetrics(BaseModel):
    auc: float
    brier: float
    precision_at_10: float
    training_rows: int
    validation_rows: int
    default_auc: float | None = Field(
        default=None,
        description="The default model's AUC on the same held-out rows (the model helps where auc is higher)",
    )
    labels: TrainingLabels | None = Field(
        default=None, description="What the model was trained on (absent: placements only, before decisions existed)"
    )


class ModelRead(BaseModel):
    id: uuid.UUID
    version: int
    kind: str
    metrics: ModelMetrics
    outcomes_used: int
    sklearn_version: str
    feature_schema: list[str] = Field(description="The features, in order, the model was trained on")
    active: bool
    created_at: datetime
    activated_at: datetime | None


class ModelPage(BaseModel):
    items: list[ModelRead]
    next_cursor: str | None = None
    active_model: str = Field(description="Name of the model scoring now ('default-weighted' until one is activated)")
