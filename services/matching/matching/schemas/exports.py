"""GET /internal/v1/citizens/{id}/export: what matching holds about a citizen (schema version 1)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

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
    # An integer, not Literal[1]: openapi-python-client renders an integer const as invalid Python.
    schema_version: int = Field(default=1, ge=1, le=1, description="Version of this document's shape")
    service: Literal["matching"] = "matching"
    citizen_id: uuid.UUID
    features: CitizenFeaturesRead | None
    recommendation_logs: list[RecommendationLogRead]
    decisions: list[DecisionRead]
