"""Bulk sync bodies: up to 1,000 items in, one result per item out."""

from __future__ import annotations

from typing import Any, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from registry.schemas import citizens, openings

MAX_BATCH = 1000
ItemStatus = Literal["created", "updated", "unchanged", "error"]


class BatchRequest(BaseModel):
    """Items are checked one by one, so one invalid item never blocks the others."""

    model_config = ConfigDict(extra="forbid")

    items: list[Any] = Field(min_length=1, max_length=MAX_BATCH, description="Create bodies of the collection")


def batch_body_example(item: dict[str, Any]) -> dict[str, Any]:
    """`openapi_extra` for a `:batch` endpoint: its body example holds the collection's own item."""
    return {"requestBody": {"content": {"application/json": {"example": {"items": [item]}}}}}


CITIZENS_BATCH_EXAMPLE = batch_body_example(citizens.EXAMPLE)
OPENINGS_BATCH_EXAMPLE = batch_body_example(openings.EXAMPLE)


class BatchItemResult(BaseModel):
    index: int
    external_ref: str | None
    status: ItemStatus
    id: UUID | None = None
    problem: dict[str, Any] | None = Field(default=None, description="RFC 9457 problem details when status is error")


class BatchSummary(BaseModel):
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    error: int = 0


class BatchResult(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "items": [
                        {
                            "index": 0,
                            "external_ref": "JC-1",
                            "status": "created",
                            "id": "7c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f",
                            "problem": None,
                        },
                        {
                            "index": 1,
                            "external_ref": "JC-2",
                            "status": "error",
                            "id": None,
                            "problem": {
                                "type": "https://brobygger.dk/problems/validation-failed",
                                "title": "Validation failed",
                                "status": 422,
                                "detail": "Invalid fields: national_id",
                                "errors": [
                                    {
                                        "field": "national_id",
                                        "message": "the CPR number does not hold a real date",
                                        "code": "invalid_national_id",
                                    }
                                ],
                            },
                        },
                    ],
                    "summary": {"created": 1, "updated": 0, "unchanged": 0, "error": 1},
                }
            ]
        }
    )

    items: list[BatchItemResult]
    summary: BatchSummary
