"""The endpoints a plain tenant collection answers like every other, written once.

Organisations, partnerships and enrolments are created in the caller's municipality (or the one a
national client names), listed a page at a time (filtered by the query the collection declares in
its `…Filter` schema, and by `updated_since`), read one by one with their ETag, changed at the
version the client read (If-Match) and deleted; openings share the list, the read and the delete.
`TenantItems` registers these endpoints on the collection's router under the collection's own
operation names (`get_partnership`: operationId `getPartnership`), docstrings, path parameter,
models, scopes and usecases, so each operation is published exactly as a hand-written endpoint
would be. An operation that needs more (the code book, the national id vault, the audit log) keeps
its own endpoint in the collection's module.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Awaitable, Callable
from typing import Annotated, Any, Generic, Protocol, TypeVar

from fastapi import APIRouter, Path, Query, Response
from pydantic import BaseModel

from registry.api.common import CREATE_ERRORS, UPDATE_ERRORS, HasId, create_located, listed, tagged
from registry.api.deps import CursorCodecDep, IfMatch, PageParamsDep, SessionDep
from registry.usecases.results import Slice, Versioned
from servicekit.auth import Principal
from servicekit.etag import parse_if_match
from servicekit.idempotency import idempotent
from servicekit.openapi import ERRORS
from servicekit.pagination import Page, TimePosition

Endpoint = Callable[..., Awaitable[Any]]


class NamesMunicipality(Protocol):
    @property
    def municipality(self) -> str | None: ...


Answer = TypeVar("Answer", bound=HasId)
New = TypeVar("New", bound=NamesMunicipality)
Changes = TypeVar("Changes", bound=BaseModel)
# What a usecase takes (contravariant in a protocol).
NewIn = TypeVar("NewIn", bound=NamesMunicipality, contravariant=True)
ChangesIn = TypeVar("ChangesIn", bound=BaseModel, contravariant=True)


class CreateOne(Protocol[NewIn, Answer]):
    def __call__(self, session: SessionDep, body: NewIn, /, *, municipality: str) -> Awaitable[Versioned[Answer]]: ...


class ListPage(Protocol[Answer]):
    def __call__(
        self,
        session: SessionDep,
        /,
        *,
        tenant: str,
        after: TimePosition | None,
        limit: int,
        where: BaseModel,
        updated_since: dt.datetime | None,
    ) -> Awaitable[Slice[Answer]]: ...


class ReadOne(Protocol[Answer]):
    def __call__(self, session: SessionDep, row_id: uuid.UUID, /, *, tenant: str) -> Awaitable[Versioned[Answer]]: ...


class ChangeOne(Protocol[ChangesIn, Answer]):
    def __call__(
        self, session: SessionDep, row_id: uuid.UUID, body: ChangesIn, /, *, tenant: str, expected: int
    ) -> Awaitable[Versioned[Answer]]: ...


class DeleteOne(Protocol):
    def __call__(self, session: SessionDep, row_id: uuid.UUID, /, *, tenant: str) -> Awaitable[None]: ...


class TenantItems(Generic[Answer]):
    """The standard endpoints of one collection: `create`, `list`, `get`, `update` and `delete` each add one."""

    def __init__(self, router: APIRouter, *, item: str, answer: type[Answer], reader: Any, writer: Any) -> None:
        self.router, self.item, self.answer = router, item, answer
        # `reader` and `writer` are the scope-checking principal aliases of `registry.api.deps`.
        self.reader, self.writer = reader, writer
        self.path = f"/{{{item}_id}}"
        self.row_id = Annotated[uuid.UUID, Path(alias=f"{item}_id")]
        self.page_model: Any = Page[answer]  # type: ignore[valid-type]

    def create(self, doc: str, model: type[New], create_one: CreateOne[New, Answer]) -> None:
        """POST: the new resource with its ETag and Location; `Idempotency-Key` replays it."""

        async def endpoint(body: New, session: SessionDep, principal: Principal, response: Response) -> Answer:
            async def make() -> Versioned[Answer]:
                municipality = principal.municipality_for_write(body.municipality)
                return await create_one(session, body, municipality=municipality)

            return await create_located(response, make, collection=self.router.prefix)

        self._publish(endpoint, doc, body=model, principal=self.writer)
        self.router.add_api_route(
            "",
            idempotent(endpoint),
            methods=["POST"],
            name=f"create_{self.item}",
            status_code=201,
            response_model=self.answer,
            responses=CREATE_ERRORS,
        )

    def list(self, doc: str, query: type[BaseModel], list_page: ListPage[Answer], *, kind: str) -> None:
        """GET: a page of the tenant's items, oldest first; `kind` names the collection (and its cursors)."""

        async def endpoint(
            session: SessionDep,
            principal: Principal,
            page: PageParamsDep,
            codec: CursorCodecDep,
            where: BaseModel,
            updated_since: Annotated[dt.datetime | None, Query()] = None,
        ) -> Page[Any]:
            return await listed(
                codec,
                page,
                kind=kind,
                fetch=lambda after, limit: list_page(
                    session, tenant=principal.tenant, after=after, limit=limit, where=where, updated_since=updated_since
                ),
            )

        self._publish(endpoint, doc, principal=self.reader, where=Annotated[query, Query()])
        self.router.add_api_route(
            "", endpoint, methods=["GET"], name=f"list_{kind}", response_model=self.page_model, responses=ERRORS
        )

    def get(self, doc: str, read_one: ReadOne[Answer]) -> None:
        """GET /{id}: the resource with its version as the ETag."""

        async def endpoint(row_id: uuid.UUID, session: SessionDep, principal: Principal, response: Response) -> Answer:
            return tagged(response, await read_one(session, row_id, tenant=principal.tenant))

        self._publish(endpoint, doc, row_id=self.row_id, principal=self.reader)
        self._add(endpoint, "GET", f"get_{self.item}", response_model=self.answer, responses=ERRORS)

    def update(self, doc: str, model: type[Changes], change_one: ChangeOne[Changes, Answer]) -> None:
        """PATCH /{id} at the version the client read (If-Match required)."""

        async def endpoint(
            row_id: uuid.UUID,
            body: Changes,
            session: SessionDep,
            principal: Principal,
            if_match: IfMatch,
            response: Response,
        ) -> Answer:
            expected = parse_if_match(if_match)
            return tagged(response, await change_one(session, row_id, body, tenant=principal.tenant, expected=expected))

        self._publish(endpoint, doc, row_id=self.row_id, body=model, principal=self.writer)
        self._add(endpoint, "PATCH", f"update_{self.item}", response_model=self.answer, responses=UPDATE_ERRORS)

    def delete(self, doc: str, delete_one: DeleteOne, *, responses: dict[int | str, dict[str, Any]]) -> None:
        """DELETE /{id}: 204, no content."""

        async def endpoint(row_id: uuid.UUID, session: SessionDep, principal: Principal) -> Response:
            await delete_one(session, row_id, tenant=principal.tenant)
            return Response(status_code=204)

        self._publish(endpoint, doc, row_id=self.row_id, principal=self.writer)
        self._add(endpoint, "DELETE", f"delete_{self.item}", status_code=204, responses=responses)

    @staticmethod
    def _publish(endpoint: Endpoint, doc: str, **types: Any) -> None:
        """The docstring (the operation's summary and description) and the collection's own types of the
        parameters FastAPI reads, in place of the generic ones the shared code is written with."""
        endpoint.__doc__ = doc
        endpoint.__annotations__ = {**endpoint.__annotations__, **types}

    def _add(self, endpoint: Endpoint, method: str, name: str, **route: Any) -> None:
        self.router.add_api_route(self.path, endpoint, methods=[method], name=name, **route)
