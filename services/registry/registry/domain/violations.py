"""A rejected field, as domain rules report it (the API turns these into problem+json `errors`)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Violation:
    """One field that breaks a rule. Messages never repeat the rejected value."""

    field: str
    message: str
    code: str = "invalid"
