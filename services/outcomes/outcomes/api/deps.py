"""Annotated dependency aliases so endpoints stay a few lines."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Annotated, Any, Protocol, TypeVar

from fastapi import APIRouter, Depends, Query, Response
from fastapi.types import DecoratedCallable

from outcomes.settings import Settings
from servicekit.auth import Principal, require_scope
from servicekit.db import SessionDep
from servicekit.idempotency import IdempotencyDep
from servicekit.municipalities import MUNICIPALITY_CODE_PATTERN
from servicekit.openapi import ERRORS, Responses
from servicekit.pagination import CursorCodec, CursorCodecDep, Keyset, Page, PageParams, PageParamsDep
from servicekit.state import state_dependency

T = TypeVar("T")


class HasId(Protocol):
    @property
    def id(self) -> object: ...


class HasUuid(Protocol):
    @property
    def id(self) -> uuid.UUID: ...


Item = TypeVar("Item", bound=HasId)
Identified = TypeVar("Identified", bound=HasUuid)
IdentifiedRow = TypeVar("IdentifiedRow", bound=HasUuid, covariant=True)
Row = TypeVar("Row", covariant=True)

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
    str | None,
    Query(pattern=MUNICIPALITY_CODE_PATTERN, description="Only this municipality's rows", examples=["DK-0336"]),
]


class ListedById(Protocol[IdentifiedRow]):
    """A usecase that lists rows ordered by id, the list's own filters bound (`functools.partial`)."""

    def __call__(
        self, session: SessionDep, *, municipality: str | None, after: uuid.UUID | None, limit: int
    ) -> Awaitable[Sequence[IdentifiedRow]]: ...


class ListedBySequence(Protocol[Row]):
    """A usecase that lists (sequence, row) pairs in recording order, the list's own filters bound."""

    def __call__(
        self, session: SessionDep, *, municipality: str | None, after_sequence: int | None, limit: int
    ) -> Awaitable[Sequence[tuple[int, Row]]]: ...


@dataclass(frozen=True)
class Listing:
    """What every list request carries besides its own filters: the reader's session, the municipality it
    narrows to and the page it asks for. A list endpoint names its filters and hands its usecase here."""

    session: SessionDep
    municipality: str | None
    page: PageParams
    codec: CursorCodec

    async def by_id(self, kind: str, fetch: ListedById[Identified]) -> Page[Identified]:
        """One page of a list ordered by id: `fetch` loads limit + 1 rows, the cursor names the last id."""
        keyset = Keyset.by_id(kind)
        after = keyset.start(self.codec, self.page.cursor)
        rows = await fetch(self.session, municipality=self.municipality, after=after, limit=self.page.limit + 1)
        items, cursor = keyset.page(self.codec, self.page.limit, rows, lambda item: item.id)
        return Page(items=items, next_cursor=cursor)

    async def by_sequence(self, kind: str, fetch: ListedBySequence[T]) -> Page[T]:
        """One page of a list in recording order: `fetch` loads limit + 1 (sequence, item) rows."""
        keyset = Keyset.by_number(kind, "sequence")
        after = keyset.start(self.codec, self.page.cursor)
        rows = await fetch(
            self.session, municipality=self.municipality, after_sequence=after, limit=self.page.limit + 1
        )
        shown, cursor = keyset.page(self.codec, self.page.limit, rows, lambda row: row[0])
        return Page(items=[item for _, item in shown], next_cursor=cursor)


async def listing(
    session: SessionDep,
    principal: OutcomesReader,
    page: PageParamsDep,
    codec: CursorCodecDep,
    municipality: MunicipalityFilter = None,
) -> Listing:
    """Who lists what: the scope check, the municipality filter and the page. FastAPI publishes an endpoint's
    own filters first, then these (`municipality`, `limit`, `cursor`), the order the lists always had."""
    return Listing(session, municipality, page, codec)


ListingDep = Annotated[Listing, Depends(listing)]


def creates_or_finds(
    router: APIRouter, model: Any, *, found: str, errors: Responses = ERRORS, **route: Any
) -> Callable[[DecoratedCallable], DecoratedCallable]:
    """The route of a create that may find its twin (answered with `answered`): 201 with the new item, 200
    with the one recorded before, `found` saying when."""
    return router.post(
        "", status_code=201, response_model=model, responses={**errors, 200: {"description": found}}, **route
    )


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
    "Listing",
    "ListingDep",
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
    "creates_or_finds",
    "located",
]
