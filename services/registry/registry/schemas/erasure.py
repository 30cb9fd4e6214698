"""Batch erasure (retention, or a municipality's list of requests): up to 1,000 ids, one result each."""

from __future__ import annotations

from datetime import datetime
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


FollowerState = Literal["applied", "behind", "unavailable"]


class FollowerProgress(BaseModel):
    service: str = Field(description="A follower of the change feed (`matching`, `outcomes`)")
    state: FollowerState = Field(
        description="`applied`: its feed position has reached the erasure's entry; `behind`: not yet; "
        "`unavailable`: it could not be asked (the erasure stays pending until it answers)"
    )
    applied_seq: int | None = Field(
        default=None, description="The follower's last applied feed position (null: unavailable)"
    )


class ErasureProgress(BaseModel):
    """Whether an erasure has reached every service (GET /v1/citizens/{id}/erasure)."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "citizen_id": "7c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f",
                    "status": "pending",
                    "erased_at": "2026-12-07T15:00:00Z",
                    "feed_seq": 18234,
                    "followers": [
                        {"service": "matching", "state": "applied", "applied_seq": 18240},
                        {"service": "outcomes", "state": "unavailable", "applied_seq": None},
                    ],
                }
            ]
        }
    )

    citizen_id: UUID
    status: Literal["pending", "completed"] = Field(
        description="`completed` once every follower has applied the erasure's feed entry; `pending` until then, "
        "also while a follower cannot be reached"
    )
    erased_at: datetime
    feed_seq: int = Field(description="The change feed position of the erasure's `erased` entry")
    followers: list[FollowerProgress]
