"""Batch erasure (retention, or a municipality's list of requests): up to 1,000 ids, one result each."""

from __future__ import annotations

from typing import Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

MAX_ERASURES = 1000
ErasureStatus = Literal["erased", "already_erased", "not_found"]


class ErasureRequest(BaseModel):
    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"ids": ["7c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f"]}]}
    )

    ids: list[UUID] = Field(min_length=1, max_length=MAX_ERASURES, description="Citizens to erase")


class ErasureItem(BaseModel):
    index: int
    id: UUID
    status: ErasureStatus


class ErasureSummary(BaseModel):
    erased: int = 0
    already_erased: int = 0
    not_found: int = 0


class ErasureResult(BaseModel):
    items: list[ErasureItem]
    summary: ErasureSummary
