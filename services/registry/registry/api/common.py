"""What every collection endpoint shares: response docs, keyset cursors, ETag and Location headers."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from typing import Protocol, TypeVar

from fastapi import Response

from registry.usecases.results import Slice, Versioned
from servicekit.etag import etag_for
from servicekit.openapi import ERRORS, Responses
from servicekit.pagination import CursorCodec, Keyset, Page, PageParams, TimePosition

R = TypeVar("R")


class HasId(Protocol):
    @property
    def id(self) -> uuid.UUID: ...


Identified = TypeVar("Identified", bound=HasId)
UPDATE_ERRORS: Responses = {
    **ERRORS,
    412: {"description": "Stale ETag: the resource changed since it was read"},
    428: {"description": "If-Match missing"},
}
CREATE_ERRORS: Responses = {
    **ERRORS,
    409: {"description": "Exists already, or Idempotency-Key in use"},
}
DELETE_ERRORS: Responses = {**ERRORS, 409: {"description": "Still referenced"}}
# The bulk endpoints (`:batch`, `:import`): a rejected item is an item result, not a 409.
BATCH_ERRORS: Responses = {**ERRORS, 409: {"description": "Idempotency-Key in use"}}


def page_of(codec: CursorCodec, page: PageParams, found: Slice[R], *, kind: str) -> Page[R]:
    """A page of answers, with a cursor after its last item when more follow."""
    return Page(items=found.items, next_cursor=Keyset.by_time(kind).cursor(codec, found.more_after))


def tagged(response: Response, found: Versioned[R]) -> R:
    """The resource, with its version as the ETag."""
    response.headers["ETag"] = etag_for(found.version)
    return found.resource


def created(response: Response, found: Versioned[R], *, location: str) -> R:
    """A new resource: its ETag and where it lives."""
    response.headers["Location"] = location
    return tagged(response, found)


async def create_located(
    response: Response, make: Callable[[], Awaitable[Versioned[Identified]]], *, collection: str
) -> Identified:
    """A create: the new resource with its ETag and Location (`@idempotent` on the endpoint replays it)."""
    found = await make()
    return created(response, found, location=f"{collection}/{found.resource.id}")


async def listed(
    codec: CursorCodec,
    page: PageParams,
    *,
    kind: str,
    fetch: Callable[[TimePosition | None, int], Awaitable[Slice[R]]],
) -> Page[R]:
    """One page of a collection: `fetch(after, limit)` reads it, the cursor follows its last item."""
    found = await fetch(Keyset.by_time(kind).start(codec, page.cursor), page.limit)
    return page_of(codec, page, found, kind=kind)
