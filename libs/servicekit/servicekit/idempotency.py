"""Idempotency-Key handling: the same key and body replay the first answer, exactly once.

The key's record is written in the request's own transaction, so it commits (or rolls back)
together with the business change. A transaction-scoped advisory lock on (client, key) makes
a second request with a key whose first request is still running answer 409 at once.
"""

from __future__ import annotations

import hashlib
from collections.abc import Awaitable, Callable
from typing import Annotated, Any, TypeVar

import sqlalchemy as sa
from fastapi import Depends, Request
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy.dialects.postgresql import JSONB, insert
from sqlalchemy.ext.asyncio import AsyncSession

from .auth import CurrentPrincipal
from .db import SessionDep
from .errors import Conflict, FieldError, ValidationFailed
from .tables import moment

HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 200
T = TypeVar("T")


def idempotency_table(metadata: sa.MetaData) -> sa.Table:
    """The table every service that takes POSTs keeps; add it to the service's metadata."""
    return sa.Table(
        "idempotency_keys",
        metadata,
        sa.Column("client_id", sa.Text, primary_key=True),
        sa.Column("key", sa.Text, primary_key=True),
        sa.Column("request_hash", sa.Text, nullable=False),
        sa.Column("status_code", sa.Integer, nullable=False),
        sa.Column("response_body", JSONB, nullable=False),
        moment("created_at"),
    )


def _lock_id(client_id: str, key: str) -> int:
    digest = hashlib.blake2b(f"{client_id}\x00{key}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


class Idempotency:
    """One request's view of its Idempotency-Key (a no-op when the header is absent)."""

    def __init__(self, session: AsyncSession, table: sa.Table, client_id: str, key: str | None, request_hash: str):
        self.session = session
        self.table = table
        self.client_id = client_id
        self.key = key
        self.request_hash = request_hash

    async def replay(self) -> JSONResponse | None:
        """The stored answer for this key, or None if this request is the first."""
        if self.key is None:
            return None
        locked = await self.session.scalar(
            sa.select(sa.func.pg_try_advisory_xact_lock(_lock_id(self.client_id, self.key)))
        )
        if not locked:
            raise Conflict("A request with this Idempotency-Key is still being processed; retry later.", retry_after=1)
        row = (
            await self.session.execute(
                sa.select(self.table.c.request_hash, self.table.c.status_code, self.table.c.response_body).where(
                    self.table.c.client_id == self.client_id, self.table.c.key == self.key
                )
            )
        ).first()
        if row is None:
            return None
        if row.request_hash != self.request_hash:
            raise ValidationFailed(
                "This Idempotency-Key was used with a different request.",
                errors=[FieldError("header.Idempotency-Key", "already used with another body", "key_reused")],
            )
        return JSONResponse(row.response_body, status_code=row.status_code, headers={"Idempotent-Replayed": "true"})

    async def remember(self, status_code: int, result: T) -> T:
        """Store the answer in the same transaction as the change, and hand it back."""
        if self.key is not None:
            body: Any = result.model_dump(mode="json") if isinstance(result, BaseModel) else jsonable_encoder(result)
            await self.session.execute(
                insert(self.table)
                .values(
                    client_id=self.client_id,
                    key=self.key,
                    request_hash=self.request_hash,
                    status_code=status_code,
                    response_body=body,
                )
                .on_conflict_do_nothing()
            )
        return result

    async def once(self, status_code: int, make: Callable[[], Awaitable[T]]) -> T | JSONResponse:
        """Every idempotent POST: the stored answer for this key, or `make`'s answer, remembered."""
        if replay := await self.replay():
            return replay
        return await self.remember(status_code, await make())


async def idempotency(request: Request, session: SessionDep, principal: CurrentPrincipal) -> Idempotency:
    key = request.headers.get(HEADER)
    if key is not None and not (0 < len(key) <= MAX_KEY_LENGTH):
        raise ValidationFailed(
            "Idempotency-Key must be 1-200 characters.",
            errors=[FieldError("header.Idempotency-Key", "must be 1-200 characters", "invalid")],
        )
    body = await request.body()
    request_hash = hashlib.sha256(request.method.encode() + b" " + request.url.path.encode() + b"\n" + body).hexdigest()
    table: sa.Table = request.app.state.idempotency_table
    return Idempotency(session, table, principal.client_id, key, request_hash)


IdempotencyDep = Annotated[Idempotency, Depends(idempotency)]
