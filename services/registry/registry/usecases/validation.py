"""Validating merged data (stored state + a PATCH) with the create model's rules."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from registry.domain.violations import Violation
from servicekit.domain_errors import FieldError, ValidationFailed

M = TypeVar("M", bound=BaseModel)


@dataclass
class Prepared:
    """Row values ready to store, or the violations that keep them out."""

    values: dict[str, Any]
    violations: list[Violation] = field(default_factory=list)


def pydantic_field_errors(exc: ValidationError, *, prefix: str = "", unnamed: str = "body") -> list[FieldError]:
    """pydantic's errors as field errors, without the rejected input (it may be a national id)."""
    return [
        FieldError(
            prefix + (".".join(str(p) for p in e.get("loc", ())) or unnamed),
            str(e.get("msg", "invalid")),
            str(e.get("type", "invalid")),
        )
        for e in exc.errors()
    ]


def validate_as(model: type[M], data: dict[str, Any]) -> M:
    """Validate merged data (current state + PATCH) with the create model's rules."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise ValidationFailed("The change leaves the resource invalid.", errors=pydantic_field_errors(exc)) from exc
