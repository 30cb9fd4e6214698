"""Keyset pagination with opaque, encrypted cursors (`?limit=&cursor=` → `{items, next_cursor}`)."""

from __future__ import annotations

import base64
import datetime as dt
import json
import os
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Annotated, Any, Generic, TypeVar

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from fastapi import Depends, Query, Request
from pydantic import BaseModel

from .errors import FieldError, ValidationFailed

T = TypeVar("T")
P = TypeVar("P")
TimePosition = tuple[dt.datetime, uuid.UUID]  # where a page ordered by a timestamp ended: (time, id)
MAX_LIMIT = 200
DEFAULT_LIMIT = 50


class Page(BaseModel, Generic[T]):
    """One page of a list; pass `next_cursor` back as `cursor` for the next page (null: no more)."""

    items: list[T]
    next_cursor: str | None = None


class CursorCodec:
    """Cursors are AES-GCM sealed so clients can neither read nor forge the keyset position."""

    def __init__(self, key: bytes | None = None) -> None:
        self._aead = AESGCM(key or AESGCM.generate_key(bit_length=256))

    def encode(self, position: dict[str, Any], *, kind: str) -> str:
        nonce = os.urandom(12)
        plain = json.dumps(position, separators=(",", ":"), default=str).encode()
        sealed = self._aead.encrypt(nonce, plain, kind.encode())
        return base64.urlsafe_b64encode(nonce + sealed).rstrip(b"=").decode()

    def decode(self, cursor: str, *, kind: str) -> dict[str, Any]:
        try:
            raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
            plain = self._aead.decrypt(raw[:12], raw[12:], kind.encode())
            value = json.loads(plain)
        except (ValueError, InvalidTag, json.JSONDecodeError) as exc:
            raise _not_a_cursor() from exc
        if not isinstance(value, dict):
            raise _not_a_cursor()
        return value


@dataclass(frozen=True)
class Keyset(Generic[P]):
    """How one list is paged by its order: the cursor kind it seals (another list refuses the cursor)
    and the form of a position in that order: `sealed` writes it into the cursor, `opened` reads it
    back. A list reads `limit + 1` rows after `start(cursor)`; `page(...)` shows `limit` of them and,
    when the extra one came, seals where the page ended."""

    kind: str
    sealed: Callable[[P], dict[str, Any]]
    opened: Callable[[dict[str, Any]], P]

    @classmethod
    def by_id(cls, kind: str) -> Keyset[uuid.UUID]:
        return Keyset(kind, lambda after: {"id": str(after)}, lambda position: uuid.UUID(position["id"]))

    @classmethod
    def by_number(cls, kind: str, name: str) -> Keyset[int]:
        """A list in the order of an integer column (`sequence`, `version`, `id`)."""
        return Keyset(kind, lambda after: {name: after}, lambda position: int(position[name]))

    @classmethod
    def by_text(cls, kind: str, name: str) -> Keyset[str]:
        """A list in the order of a text column (a municipality's code, a client's id)."""
        return Keyset(kind, lambda after: {name: after}, lambda position: str(position[name]))

    @classmethod
    def by_time(cls, kind: str, name: str = "created_at") -> Keyset[TimePosition]:
        """A list in the order of a timestamp, ties broken by id."""
        return Keyset(
            kind,
            lambda after: {name: after[0].isoformat(), "id": str(after[1])},
            lambda position: (dt.datetime.fromisoformat(position[name]), uuid.UUID(position["id"])),
        )

    def start(self, codec: CursorCodec, cursor: str | None) -> P | None:
        """Where the page after `cursor` starts (None: at the beginning); 422 naming `query.cursor` for
        a cursor this list did not hand out."""
        if cursor is None:
            return None
        position = codec.decode(cursor, kind=self.kind)
        try:
            return self.opened(position)
        except (KeyError, ValueError, TypeError) as exc:
            raise _not_a_cursor() from exc

    def cursor(self, codec: CursorCodec, after: P | None) -> str | None:
        """The cursor of the page after `after` (None: no page follows)."""
        return None if after is None else codec.encode(self.sealed(after), kind=self.kind)

    def page(
        self, codec: CursorCodec, limit: int, rows: Sequence[T], position: Callable[[T], P]
    ) -> tuple[list[T], str | None]:
        """`rows` were read with `limit + 1`: the first `limit`, and the next cursor if one more came."""
        shown = list(rows[:limit])
        return shown, self.cursor(codec, position(shown[-1]) if len(rows) > limit else None)


def _not_a_cursor() -> ValidationFailed:
    return ValidationFailed(
        "The cursor is not valid for this list.",
        errors=[FieldError("query.cursor", "not a cursor this list issued", "invalid_cursor")],
    )


class PageParams(BaseModel):
    limit: int
    cursor: str | None


async def page_params(
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Items per page")] = DEFAULT_LIMIT,
    cursor: Annotated[str | None, Query(max_length=512, description="`next_cursor` of the previous page")] = None,
) -> PageParams:
    return PageParams(limit=limit, cursor=cursor)


PageParamsDep = Annotated[PageParams, Depends(page_params)]


async def cursor_codec(request: Request) -> CursorCodec:
    codec: CursorCodec = request.app.state.cursor_codec
    return codec


CursorCodecDep = Annotated[CursorCodec, Depends(cursor_codec)]
