"""What every collection endpoint shares: response docs, keyset cursors, ETag and Location headers."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Awaitable, Callable
from typing import Protocol, TypeVar

from fastapi import Response

from registry.usecases.results import Position, Slice, Versioned
from servicekit.errors import ValidationFailed
from servicekit.etag import etag_for
from servicekit.openapi import ERRORS, Responses
from servicekit.pagination import CursorCodec, Page, PageParams

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


def decode_position(codec: CursorCodec, cursor: str | None, *, kind: str) -> Position | None:
    if cursor is None:
        return None
    position = codec.decode(cursor, kind=kind)
    try:
        return dt.datetime.fromisoformat(position["created_at"]), uuid.UUID(position["id"])
    except (KeyError, ValueError, TypeError) as exc:
        raise ValidationFailed("The cursor is not valid for this list.") from exc


def page_of(codec: CursorCodec, found: Slice[R], *, kind: str) -> Page[R]:
    """A page of answers, with a cursor after its last item when more follow."""
    cursor = None
    if found.more_after is not None:
        created_at, row_id = found.more_after
        cursor = codec.encode({"created_at": created_at.isoformat(), "id": str(row_id)}, kind=kind)
    return Page(items=found.items, next_cursor=cursor)


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
    fetch: Callable[[Position | None, int], Awaitable[Slice[R]]],
) -> Page[R]:
    """One page of a collection: `fetch(after, limit)` reads it, the cursor follows its last item."""
    found = await fetch(decode_position(codec, page.cursor, kind=kind), page.limit)
    return page_of(codec, found, kind=kind)
