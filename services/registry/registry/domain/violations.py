"""A rejected field, as domain rules report it, and the one way rules turn them into a 422."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from servicekit.domain_errors import FieldError, ValidationFailed


@dataclass(frozen=True, slots=True)
class Violation:
    """One field that breaks a rule. Messages never repeat the rejected value."""

    field: str
    message: str
    code: str = "invalid"


def field_errors(violations: Sequence[Violation], prefix: str = "") -> list[FieldError]:
    return [FieldError(prefix + v.field, v.message, v.code) for v in violations]


def reject(violations: Sequence[Violation]) -> None:
    """Raise 422 naming every rejected field, if there is any."""
    if violations:
        raise ValidationFailed.naming(field_errors(violations))
