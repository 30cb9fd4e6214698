"""Idempotency-Key handling: the same key and body replay the first answer, exactly once.

The key's record is written in the request's own transaction, so it commits (or rolls back)
together with the business change. A transaction-scoped advisory lock on (client, key) makes
a second request with a key whose first request is still running answer 409 at once.

Every state-changing POST takes the key through one line, `@idempotent` under its route
decorator (`@idempotent_system` where the endpoint writes through the system session). Only the
key's SHA-256 is stored; an answer that holds a secret (`sealed=True`) is stored encrypted with a
key derived from the Idempotency-Key itself, so the table alone never reveals it.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import inspect
import json
import typing
import uuid
from collections.abc import Awaitable, Callable, Sequence
from typing import Annotated, Any, TypeVar, cast

import sqlalchemy as sa
from cryptography.fernet import Fernet
from fastapi import Depends, Request, Response
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy.dialects.postgresql import ARRAY, JSONB, insert
from sqlalchemy.ext.asyncio import AsyncSession

from .auth import CurrentPrincipal
from .columns import moment, primary, required
from .db import SessionDep, SystemSessionDep
from .errors import Conflict, FieldError, ValidationFailed

HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 200
T = TypeVar("T")
Endpoint = TypeVar("Endpoint", bound=Callable[..., Awaitable[Any]])
SEALED = "sealed"


def idempotency_table(metadata: sa.MetaData) -> sa.Table:
    """The table every service that takes POSTs keeps; add it to the service's metadata."""
    return sa.Table(
        "idempotency_keys",
        metadata,
        primary("client_id", sa.Text),
        primary("key", sa.Text),
        required("request_hash", sa.Text),
        required("status_code", sa.Integer),
        required("response_body", JSONB),
        moment("created_at"),
    )


async def forget_answers_naming(session: AsyncSession, table: sa.Table, ids: Sequence[uuid.UUID]) -> None:
    """Erasure: delete the stored answers whose body names any of `ids` (a replay of the key then runs
    afresh). One scan of the stored answers for the whole run of ids, not one per id."""
    if not ids:
        return
    erased = (
        sa.func.unnest(sa.bindparam("ids", [str(i) for i in ids], type_=ARRAY(sa.Text)))
        .table_valued("id")
        .render_derived(name="erased")
    )
    names = sa.func.strpos(sa.cast(table.c.response_body, sa.Text), erased.c.id) > 0
    await session.execute(sa.delete(table).where(sa.exists(sa.select(1).select_from(erased).where(names))))


def key_lock_id(client_id: str, key: str) -> int:
    digest = hashlib.blake2b(f"{client_id}\x00{key}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


class Idempotency:
    """One request's view of its Idempotency-Key (a no-op when the header is absent)."""

    def __init__(
        self,
        session: AsyncSession,
        table: sa.Table,
        client_id: str,
        key: str | None,
        request_hash: str,
        *,
        default_status: int = 200,
        by_alias: bool = True,
    ):
        self.session = session
        self.table = table
        self.client_id = client_id
        self.key = key
        self.stored_key = hashlib.sha256(key.encode()).hexdigest() if key is not None else None
        self.request_hash = request_hash
        self.default_status = default_status
        self.by_alias = by_alias

    def _cipher(self) -> Fernet:
        assert self.key is not None
        secret = hashlib.sha256(b"brobygger-idempotency\x00" + self.key.encode() + self.request_hash.encode()).digest()
        return Fernet(base64.urlsafe_b64encode(secret))

    async def replay(self) -> JSONResponse | None:
        """The stored answer for this key, or None if this request is the first."""
        if self.key is None:
            return None
        locked = await self.session.scalar(
            sa.select(sa.func.pg_try_advisory_xact_lock(key_lock_id(self.client_id, self.key)))
        )
        if not locked:
            raise Conflict("A request with this Idempotency-Key is still being processed; retry later.", retry_after=1)
        row = (
            await self.session.execute(
                sa.select(self.table.c.request_hash, self.table.c.status_code, self.table.c.response_body).where(
                    self.table.c.client_id == self.client_id, self.table.c.key == self.stored_key
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
        body = row.response_body
        if isinstance(body, dict) and set(body) == {SEALED}:
            body = json.loads(self._cipher().decrypt(body[SEALED].encode()))
        return JSONResponse(body, status_code=row.status_code, headers={"Idempotent-Replayed": "true"})

    async def remember(self, status_code: int, result: T, *, sealed: bool = False) -> T:
        """Store the answer in the same transaction as the change, and hand it back."""
        if self.key is not None:
            # As FastAPI sends it: by alias unless the route says otherwise (a replay is byte-for-byte the answer).
            body: Any = (
                result.model_dump(mode="json", by_alias=self.by_alias)
                if isinstance(result, BaseModel)
                else jsonable_encoder(result, by_alias=self.by_alias)
            )
            if sealed:
                body = {SEALED: self._cipher().encrypt(json.dumps(body).encode()).decode()}
            await self.session.execute(
                insert(self.table)
                .values(
                    client_id=self.client_id,
                    key=self.stored_key,
                    request_hash=self.request_hash,
                    status_code=status_code,
                    response_body=body,
                )
                .on_conflict_do_nothing()
            )
        return result

    async def remember_answer(self, result: Any, reply: Response, *, sealed: bool = False) -> Any:
        """Store whatever the endpoint answered: a model with the status it set (or the route's),
        or a JSON response it built itself. Other responses (files) are not stored."""
        if isinstance(result, Response):
            if self.key is not None and result.media_type == "application/json":
                await self.remember(result.status_code, json.loads(bytes(result.body)), sealed=sealed)
            return result
        return await self.remember(reply.status_code or self.default_status, result, sealed=sealed)


def _read_key(request: Request) -> str | None:
    key = request.headers.get(HEADER)
    if key is not None and not (0 < len(key) <= MAX_KEY_LENGTH):
        raise ValidationFailed(
            "Idempotency-Key must be 1-200 characters.",
            errors=[FieldError("header.Idempotency-Key", "must be 1-200 characters", "invalid")],
        )
    return key


async def _for_request(request: Request, session: AsyncSession, client_id: str) -> Idempotency:
    key = _read_key(request)
    body = await request.body()
    request_hash = hashlib.sha256(request.method.encode() + b" " + request.url.path.encode() + b"\n" + body).hexdigest()
    table: sa.Table = request.app.state.idempotency_table
    route = request.scope.get("route")
    default_status = getattr(route, "status_code", None) or 200
    by_alias = bool(getattr(route, "response_model_by_alias", True))
    return Idempotency(session, table, client_id, key, request_hash, default_status=default_status, by_alias=by_alias)


async def idempotency(request: Request, session: SessionDep, principal: CurrentPrincipal) -> Idempotency:
    """The key of a request that writes through the tenant's session."""
    return await _for_request(request, session, principal.client_id)


async def system_idempotency(request: Request, session: SystemSessionDep, principal: CurrentPrincipal) -> Idempotency:
    """The key of a request that writes through the system session (the gateway's clients)."""
    return await _for_request(request, session, principal.client_id)


IdempotencyDep = Annotated[Idempotency, Depends(idempotency)]
SystemIdempotencyDep = Annotated[Idempotency, Depends(system_idempotency)]
KEY_DEPENDENCIES = (idempotency, system_idempotency)
_KEY = "idempotency_key_"
_REPLY = "idempotency_reply_"


def _idempotent_by(dependency: Any, *, sealed: bool = False) -> Callable[[Endpoint], Endpoint]:
    def decorate(endpoint: Endpoint) -> Endpoint:
        signature = inspect.signature(endpoint)
        # FastAPI hands one Response object to one parameter: share the endpoint's if it has one.
        hints = typing.get_type_hints(endpoint)
        own = next((name for name, hint in hints.items() if name != "return" and hint is Response), None)
        added = [inspect.Parameter(_KEY, inspect.Parameter.KEYWORD_ONLY, annotation=dependency)]
        if own is None:
            added.append(inspect.Parameter(_REPLY, inspect.Parameter.KEYWORD_ONLY, annotation=Response))

        @functools.wraps(endpoint)
        async def answer(*args: Any, **kwargs: Any) -> Any:
            idem: Idempotency = kwargs.pop(_KEY)
            reply: Response = kwargs[own] if own is not None else kwargs.pop(_REPLY)
            if replayed := await idem.replay():
                return replayed
            return await idem.remember_answer(await endpoint(*args, **kwargs), reply, sealed=sealed)

        answer.__signature__ = signature.replace(parameters=[*signature.parameters.values(), *added])  # type: ignore[attr-defined]
        return cast(Endpoint, answer)

    return decorate


def idempotent(endpoint: Endpoint) -> Endpoint:
    """Make a state-changing POST honour `Idempotency-Key`: same key and body replay the first
    answer (`Idempotent-Replayed: true`), another body is 422, a key still in flight 409."""
    return _idempotent_by(IdempotencyDep)(endpoint)


def idempotent_sealed(endpoint: Endpoint) -> Endpoint:
    """`idempotent` for an answer that holds a secret shown once (a webhook's signing secret): the
    stored answer is encrypted under the Idempotency-Key."""
    return _idempotent_by(IdempotencyDep, sealed=True)(endpoint)


def idempotent_system(*, sealed: bool = False) -> Callable[[Endpoint], Endpoint]:
    """`idempotent` for an endpoint that writes through the system session; `sealed` stores the
    answer encrypted (it holds a secret shown once)."""
    return _idempotent_by(SystemIdempotencyDep, sealed=sealed)
