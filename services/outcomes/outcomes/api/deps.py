"""Annotated dependency aliases so endpoints stay a few lines."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Sequence
from typing import Annotated, Any, Protocol, TypeVar

from fastapi import Depends, Query, Response

from outcomes.settings import Settings
from servicekit.auth import Principal, require_scope
from servicekit.db import SessionDep
from servicekit.idempotency import IdempotencyDep
from servicekit.pagination import CursorCodec, CursorCodecDep, PageParams, PageParamsDep
from servicekit.state import state_dependency

T = TypeVar("T")


class HasId(Protocol):
    @property
    def id(self) -> object: ...


Item = TypeVar("Item", bound=HasId)

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


SettingsDep = Annotated[Settings, Depends(state_dependency("settings"))]
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


async def page_by_id(
    page: PageParams,
    codec: CursorCodec,
    *,
    kind: str,
    fetch: Callable[[uuid.UUID | None, int], Awaitable[Sequence[Item]]],
) -> tuple[list[Item], str | None]:
    """One page of a list ordered by id: `fetch(after, limit + 1)` loads it, the cursor names the last id."""
    after = uuid.UUID(codec.decode(page.cursor, kind=kind)["id"]) if page.cursor else None
    items = await fetch(after, page.limit + 1)
    return page_slice(items, limit=page.limit, codec=codec, kind=kind, position=lambda item: {"id": str(item.id)})


async def page_by_sequence(
    page: PageParams,
    codec: CursorCodec,
    *,
    kind: str,
    fetch: Callable[[int | None, int], Awaitable[Sequence[tuple[int, T]]]],
) -> tuple[list[T], str | None]:
    """One page of a list in recording order: `fetch(after, limit + 1)` loads (sequence, item) rows."""
    after = int(codec.decode(page.cursor, kind=kind)["sequence"]) if page.cursor else None
    rows = await fetch(after, page.limit + 1)
    rows, cursor = page_slice(rows, limit=page.limit, codec=codec, kind=kind, position=lambda row: {"sequence": row[0]})
    return [item for _, item in rows], cursor


def answered(response: Response, item: Item, *, created: bool, location: str) -> Item:
    """A create that may find its twin: 201 with the new item, 200 with the one recorded before."""
    response.status_code = 201 if created else 200
    response.headers["Location"] = f"{location}/{item.id}"
    return item


def located(response: Response, item: Item, *, location: str) -> Item:
    """A new item and where it lives."""
    response.headers["Location"] = f"{location}/{item.id}"
    return item


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
    "answered",
    "located",
    "page_by_id",
    "page_by_sequence",
    "page_slice",
]
