"""/v1/ranking-runs: national ranking runs (exact scorer, blocked by commuting region, on Dask)."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, Field


class RankingRunRead(BaseModel):
    id: uuid.UUID
    version: int
    model: str = Field(description="Name of the model that scored every pair")
    model_id: uuid.UUID | None
    top_n: int
    citizens: int
    openings: int
    blocks: int = Field(description="Commuting regions scored (every pair inside each)")
    workers: int = Field(description="Dask workers the run used")
    seconds: float
    created_at: datetime


class RankingRunPage(BaseModel):
    items: list[RankingRunRead]
    next_cursor: str | None = None


class RankedOpening(BaseModel):
    opening_id: uuid.UUID
    score: float
    rank: int


class CitizenRankingRead(BaseModel):
    run_id: uuid.UUID
    version: int
    citizen_id: uuid.UUID
    items: list[RankedOpening]
