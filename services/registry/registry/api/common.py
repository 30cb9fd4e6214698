"""What every collection endpoint shares: rejecting violations, keyset cursors, response docs."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from registry.domain.violations import Violation
from servicekit.errors import FieldError, ValidationFailed
from servicekit.pagination import CursorCodec

M = TypeVar("M", bound=BaseModel)
ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"description": "Missing or invalid token"},
    403: {"description": "Token lacks the scope, or names another municipality"},
    404: {"description": "No such resource (or not yours)"},
    422: {"description": "Invalid input; `errors` names each field"},
}
UPDATE_ERRORS: dict[int | str, dict[str, Any]] = {
    **ERRORS,
    412: {"description": "Stale ETag: the resource changed since it was read"},
    428: {"description": "If-Match missing"},
}
CREATE_ERRORS: dict[int | str, dict[str, Any]] = {
    **ERRORS,
    409: {"description": "Exists already, or Idempotency-Key in use"},
}


def field_errors(violations: Sequence[Violation], prefix: str = "") -> list[FieldError]:
    return [FieldError(prefix + v.field, v.message, v.code) for v in violations]


def reject(violations: Sequence[Violation]) -> None:
    """Raise 422 naming every rejected field, if there is any."""
    if violations:
        names = ", ".join(v.field for v in violations[:5])
        raise ValidationFailed(f"Invalid fields: {names}", errors=field_errors(violations))


def decode_position(codec: CursorCodec, cursor: str | None, *, kind: str) -> tuple[dt.datetime, uuid.UUID] | None:
    if cursor is None:
        return None
    position = codec.decode(cursor, kind=kind)
    try:
        return dt.datetime.fromisoformat(position["created_at"]), uuid.UUID(position["id"])
    except (KeyError, ValueError, TypeError) as exc:
        raise ValidationFailed("The cursor is not valid for this list.") from exc


def next_cursor(codec: CursorCodec, rows: Sequence[Any], limit: int, *, kind: str) -> str | None:
    """A cursor after the page's last row when more rows follow (`rows` holds limit + 1)."""
    if len(rows) <= limit:
        return None
    last = rows[limit - 1]
    cursor: str = codec.encode({"created_at": last.created_at.isoformat(), "id": str(last.id)}, kind=kind)
    return cursor


def pydantic_errors(exc: ValidationError, prefix: str = "") -> list[FieldError]:
    """pydantic's errors as field errors, without the rejected input (it may be a national id)."""
    return [
        FieldError(
            prefix + (".".join(str(p) for p in e.get("loc", ())) or "body"),
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
        raise ValidationFailed("The change leaves the resource invalid.", errors=pydantic_errors(exc)) from exc
