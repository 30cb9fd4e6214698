"""Outcomes' own domain errors and the one way to say "not found" (another tenant's row looks missing)."""

from __future__ import annotations

from typing import TypeVar

from servicekit.domain_errors import FieldError, NotFound, ValidationFailed

T = TypeVar("T")


def require_found(value: T | None, what: str) -> T:
    """Another tenant's row answers exactly as a missing one."""
    if value is None:
        raise NotFound(f"{what} not found.")
    return value


def invalid(field: str, message: str, code: str = "invalid") -> ValidationFailed:
    """A 422 naming one field, its message doubling as the detail."""
    return ValidationFailed(message, errors=[FieldError(field, message, code)])


class UnknownRateCard(ValidationFailed):
    """A rate card id that names no loaded card."""

    def __init__(self, card_id: str) -> None:
        super().__init__(
            f"No rate card {card_id!r}.", errors=[FieldError("rate_card_id", "unknown rate card", "unknown")]
        )
