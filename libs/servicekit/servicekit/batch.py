"""Bulk endpoints' one shape in every service: up to 1,000 items in, one result per item out.

Items are decided one by one, so one invalid item never blocks the others; a rejected item carries
the same RFC 9457 problem document a single write would have answered with.
"""

from __future__ import annotations

from collections import Counter
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from .domain_errors import DomainError, problem_document

MAX_BATCH = 1000
ItemStatus = Literal["created", "updated", "unchanged", "error"]


class FieldProblem(BaseModel):
    field: str = Field(description="Dotted location of the rejected field, e.g. `benefit.monthly_amount`.")
    message: str
    code: str


class ProblemDetails(BaseModel):
    """RFC 9457 problem details, as every error in this API is answered."""

    model_config = ConfigDict(extra="allow")

    type: str = Field(examples=["https://brobygger.dk/problems/validation-failed"])
    title: str
    status: int
    detail: str
    instance: str | None = None
    errors: list[FieldProblem] = Field(default_factory=list)


def problem_details(error: DomainError) -> ProblemDetails:
    """The problem document of a domain error (the same body a single write would answer)."""
    return ProblemDetails.model_validate(problem_document(error))


class BatchItemResult(BaseModel):
    index: int = Field(description="Position of the item in the request.")
    id: str | None = Field(default=None, description="The stored item's id (absent when it was rejected).")
    external_ref: str | None = Field(default=None, description="The caller's own reference, where the item has one.")
    status: ItemStatus
    problem: ProblemDetails | None = Field(default=None, description="Why the item was rejected (status `error`).")


class BatchSummary(BaseModel):
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    error: int = 0


class BatchResult(BaseModel):
    items: list[BatchItemResult]
    summary: BatchSummary

    @classmethod
    def of(cls, items: list[BatchItemResult]) -> BatchResult:
        counts = Counter(item.status for item in items)
        summary = BatchSummary(
            created=counts["created"], updated=counts["updated"], unchanged=counts["unchanged"], error=counts["error"]
        )
        return cls(items=items, summary=summary)


class BatchRequest(BaseModel):
    """The envelope of a `:batch` body; each service validates the items one by one."""

    model_config = ConfigDict(extra="forbid")

    items: list[Any] = Field(min_length=1, max_length=MAX_BATCH, description="Create bodies of the collection")
