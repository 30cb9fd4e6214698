"""Optimistic concurrency: an `ETag` from a row's version, and `If-Match` checked on updates."""

from __future__ import annotations

from typing import Annotated, NoReturn

from fastapi import Depends, Header

from .errors import FieldError, PreconditionFailed, PreconditionRequired, ValidationFailed


def etag_for(version: int) -> str:
    return f'"{version}"'


def parse_if_match(if_match: str | None) -> int:
    """The version a client last read; 428 without the header, 422 when it is not one of ours."""
    if if_match is None:
        raise PreconditionRequired("Send If-Match with the ETag from your last read.")
    value = if_match.strip()
    if value.startswith("W/"):
        value = value[2:]
    value = value.strip('"')
    if not value.isdigit():
        raise ValidationFailed(
            "If-Match must be an ETag this API issued.",
            errors=[FieldError("header.If-Match", "not an ETag this API issued", "unknown_etag")],
        )
    return int(value)


def check_version(expected: int, current: int) -> None:
    if expected != current:
        raise PreconditionFailed("The resource changed since you read it; read it again and retry.")


async def _if_match(
    if_match: Annotated[str | None, Header(alias="If-Match", description="ETag from the last read")] = None,
) -> str | None:
    return if_match


# Optional to FastAPI on purpose: a missing If-Match must answer 428 (from parse_if_match), not
# 422. The document still says `required: true` (servicekit.openapi marks it), because it is.
if_match_dependency = _if_match
IfMatchHeader = Annotated[str | None, Depends(_if_match)]


def stale() -> NoReturn:
    """The row changed between our read and our conditional update (a concurrent writer won)."""
    raise PreconditionFailed("The resource changed since you read it; read it again and retry.")
