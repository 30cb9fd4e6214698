"""Annotated dependency aliases so endpoints stay a few lines."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Query, Request

from outcomes.settings import Settings
from servicekit.auth import Principal, require_scope
from servicekit.db import SessionDep
from servicekit.idempotency import IdempotencyDep
from servicekit.pagination import CursorCodec, CursorCodecDep, PageParamsDep

T = TypeVar("T")

OutcomesWriter = Annotated[Principal, require_scope("outcomes:write")]
OutcomesReader = Annotated[
    Principal,
    require_scope("outcomes:read", "outcomes:write", "settlements:write", "settlements:approve", "reports:read"),
]
SettlementsWriter = Annotated[Principal, require_scope("settlements:write")]
# The checker of maker-checker: approves or rejects statements another client computed.
SettlementsApprover = Annotated[Principal, require_scope("settlements:approve")]
ReportsReader = Annotated[Principal, require_scope("reports:read", "outcomes:read")]
Internal = Annotated[Principal, require_scope("internal")]
Admin = Annotated[Principal, require_scope("admin")]


async def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


SettingsDep = Annotated[Settings, Depends(_settings)]
# Narrows a list to one municipality (national clients); a municipal token only ever sees its own.
MunicipalityFilter = Annotated[
    str | None, Query(pattern=r"^(DK|SE)-\d{4}$", description="Only this municipality's rows", examples=["DK-0336"])
]
ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"description": "Missing or invalid token"},
    403: {"description": "Token lacks the scope"},
    404: {"description": "Not found (or another municipality's)"},
    422: {"description": "Invalid input; `errors` names each field"},
}


def page_slice(
    items: Sequence[T], *, limit: int, codec: CursorCodec, kind: str, position: Callable[[T], dict[str, Any]]
) -> tuple[list[T], str | None]:
    """Keyset paging: `items` holds up to limit + 1 rows; the extra one says a next page exists."""
    page = list(items[:limit])
    cursor = codec.encode(position(page[-1]), kind=kind) if len(items) > limit else None
    return page, cursor


__all__ = [
    "ERRORS",
    "Admin",
    "CursorCodecDep",
    "IdempotencyDep",
    "Internal",
    "MunicipalityFilter",
    "OutcomesReader",
    "OutcomesWriter",
    "PageParamsDep",
    "ReportsReader",
    "SessionDep",
    "SettingsDep",
    "SettlementsApprover",
    "SettlementsWriter",
    "page_slice",
]
