"""GET /internal/v1/citizens/{id}/export: what matching holds about a citizen (schema version 1)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from pydantic import BaseModel

from .decisions import DecisionRead
from .recommendation_logs import RecommendationLogRead


class CitizenFeaturesRead(BaseModel):
    municipality: str
    target_group: str
    work_capacity_hours: float
    skills: list[str]
    essential_support_needs: list[str]
    other_support_needs: list[str]
    interests: list[str]
    lat: float | None
    lon: float | None
    consent: bool
    updated_at: datetime


class MatchingExport(BaseModel):
    schema_version: Literal[1] = 1
    service: Literal["matching"] = "matching"
    citizen_id: uuid.UUID
    features: CitizenFeaturesRead | None
    recommendation_logs: list[RecommendationLogRead]
    decisions: list[DecisionRead]
