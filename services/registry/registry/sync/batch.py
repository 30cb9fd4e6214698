"""Per-item bookkeeping of a batch: which items failed and why, and the final per-item results."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from registry.domain.violations import Violation
from registry.schemas.batch import BatchItemResult, BatchResult, BatchSummary, ItemStatus
from servicekit.errors import PROBLEM_BASE, DomainError, FieldError, problem_from_domain

# How a batch learns an item's municipality: the caller's own, or the one a national client names.
MunicipalityFor = Callable[[str | None], str]


def _validation_problem(errors: Sequence[FieldError]) -> dict[str, Any]:
    names = ", ".join(e.field for e in errors[:5])
    return {
        "type": PROBLEM_BASE + "validation-failed",
        "title": "Validation failed",
        "status": 422,
        "detail": f"Invalid fields: {names}",
        "errors": [e.as_dict() for e in errors],
    }


def violations_problem(violations: Sequence[Violation]) -> dict[str, Any]:
    return _validation_problem([FieldError(v.field, v.message, v.code) for v in violations])


def pydantic_problem(exc: ValidationError) -> dict[str, Any]:
    """Field errors without the rejected input (it may be a national id)."""
    errors = [
        FieldError(
            ".".join(str(p) for p in e.get("loc", ())) or "item",
            str(e.get("msg", "invalid")),
            str(e.get("type", "invalid")),
        )
        for e in exc.errors()
    ]
    return _validation_problem(errors)


def domain_problem(error: DomainError) -> dict[str, Any]:
    body: dict[str, Any] = problem_from_domain(error).body()
    return body


def conflict_problem(detail: str, field_name: str) -> dict[str, Any]:
    return {
        "type": PROBLEM_BASE + "conflict",
        "title": "Conflict",
        "status": 409,
        "detail": detail,
        "errors": [{"field": field_name, "message": detail, "code": "conflict"}],
    }


@dataclass
class BatchLedger:
    """Results by item index; an item is decided once (first error wins)."""

    size: int
    refs: dict[int, str | None] = field(default_factory=dict)
    results: dict[int, BatchItemResult] = field(default_factory=dict)

    def fail(self, index: int, problem: dict[str, Any]) -> None:
        if index not in self.results:
            self.results[index] = BatchItemResult(
                index=index, external_ref=self.refs.get(index), status="error", problem=problem
            )

    def done(self, index: int, status: ItemStatus, row_id: uuid.UUID) -> None:
        self.results[index] = BatchItemResult(index=index, external_ref=self.refs.get(index), status=status, id=row_id)

    def failed(self, index: int) -> bool:
        return index in self.results and self.results[index].status == "error"

    def result(self) -> BatchResult:
        items = [self.results[i] for i in range(self.size)]
        summary = BatchSummary()
        for item in items:
            setattr(summary, item.status, getattr(summary, item.status) + 1)
        return BatchResult(items=items, summary=summary)


def external_ref_of(raw: Any) -> str | None:
    value = raw.get("external_ref") if isinstance(raw, dict) else None
    return value if isinstance(value, str) and len(value) <= 100 else None
