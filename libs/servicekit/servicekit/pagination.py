"""Keyset pagination with opaque, encrypted cursors (`?limit=&cursor=` → `{items, next_cursor}`)."""

from __future__ import annotations

import base64
import json
import os
from typing import Annotated, Any, Generic, TypeVar

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from fastapi import Depends, Query, Request
from pydantic import BaseModel

from .errors import FieldError, ValidationFailed

T = TypeVar("T")
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
            raise ValidationFailed(
                "The cursor is not valid for this list.",
                errors=[FieldError("query.cursor", "not a cursor this list issued", "invalid_cursor")],
            ) from exc
        if not isinstance(value, dict):
            raise ValidationFailed("The cursor is not valid for this list.")
        return value


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
