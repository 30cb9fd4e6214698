"""GET /v1/recommendation-logs: the recommendation lists served for a citizen, as served."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field


class RecommendationLogRead(BaseModel):
    id: uuid.UUID
    citizen_id: uuid.UUID
    list_kind: str = Field(description="openings_for_citizen, or citizens_for_opening (the citizen's place in it)")
    opening_id: uuid.UUID | None = Field(description="The opening whose list it was (citizens_for_opening)")
    items: list[dict[str, Any]] = Field(description="opening_id, score, rank and explanation of each item served")
    model_id: uuid.UUID | None
    model_name: str
    client: str
    client_municipality: str | None
    request_id: str | None
    served_at: datetime


class RecommendationLogPage(BaseModel):
    items: list[RecommendationLogRead]
    next_cursor: str | None = None
