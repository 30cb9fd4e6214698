"""The steps every tenant collection shares: read one row, list a page, change a row at the version
read, delete it, and put each write on the feed; `TenantCollection` holds what they need of one
collection (its rows, how a row is answered, its name on the feed)."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

from registry.feed import publish
from registry.store.rows import TenantRows
from registry.usecases.results import Slice, Versioned, slice_of
from servicekit.domain_errors import NotFound, StaleVersion
from servicekit.pagination import TimePosition

STALE = "The resource changed since you read it; read it again and retry."
R = TypeVar("R")


async def get_row(session: AsyncSession, rows: TenantRows, row_id: uuid.UUID, *, tenant: str, entity: str) -> Any:
    """One row of the tenant; NotFound if absent (or another municipality's)."""
    row = await rows.get(session, row_id, tenant=tenant)
    if row is None:
        raise NotFound(f"{entity.capitalize()} not found.")
    return row


async def current_for_update(expected: int, load: Callable[[], Awaitable[Any]], *, not_found: str) -> Any:
    """The stored row the client read: NotFound if absent, StaleVersion if it changed since."""
    current = await load()
    if current is None:
        raise NotFound(not_found)
    if current.version != expected:
        raise StaleVersion(STALE)
    return current


async def save_update(
    session: AsyncSession,
    rows: TenantRows,
    row_id: uuid.UUID,
    *,
    tenant: str,
    expected: int,
    values: dict[str, Any],
    entity: str,
) -> Any:
    """Write validated values if the row is still at `expected` (else StaleVersion) and put it on the feed."""
    row = await rows.update(session, row_id, tenant=tenant, expected_version=expected, values=values)
    if row is None:
        raise StaleVersion(STALE)
    await publish.upserted(session, entity, row)
    return row


@dataclass(frozen=True)
class TenantCollection(Generic[R]):
    """A tenant table as its usecases use it: its rows, how a row is answered, its name on the feed."""

    rows: TenantRows
    read: Callable[[Any], R]
    entity: str

    async def created(self, session: AsyncSession, row: Any) -> Versioned[R]:
        """A row just inserted: put on the feed, and answered with its version."""
        await publish.upserted(session, self.entity, row)
        return Versioned(self.read(row), row.version)

    async def get(self, session: AsyncSession, row_id: uuid.UUID, *, tenant: str) -> Versioned[R]:
        """One row of the tenant as its answer and version; NotFound if absent (or another municipality's)."""
        row = await get_row(session, self.rows, row_id, tenant=tenant, entity=self.entity)
        return Versioned(self.read(row), row.version)

    async def page(
        self,
        session: AsyncSession,
        *,
        tenant: str,
        after: TimePosition | None,
        limit: int,
        where: BaseModel,
        updated_since: dt.datetime | None,
    ) -> Slice[R]:
        """A page of the tenant's rows in (created_at, id) order, as answers; each field of `where` that is
        given keeps the rows whose column of that name equals it."""
        found = await self.rows.list_page(
            session, tenant=tenant, after=after, limit=limit + 1, equal=where.model_dump(), updated_since=updated_since
        )
        return slice_of(found, limit, self.read)

    async def update(
        self,
        session: AsyncSession,
        row_id: uuid.UUID,
        *,
        tenant: str,
        expected: int,
        revise: Callable[[Any], Awaitable[dict[str, Any]]],
    ) -> Versioned[R]:
        """A PATCH at the version read: `revise(current)` validates and answers the values to write."""
        current = await current_for_update(
            expected, lambda: self.rows.get(session, row_id, tenant=tenant), not_found=self._not_found
        )
        values = await revise(current)
        row = await save_update(
            session, self.rows, row_id, tenant=tenant, expected=expected, values=values, entity=self.entity
        )
        return Versioned(self.read(row), row.version)

    async def delete(self, session: AsyncSession, row_id: uuid.UUID, *, tenant: str) -> None:
        """Delete a row of the tenant (NotFound if absent) and announce it."""
        row = await self.rows.delete(session, row_id, tenant=tenant)
        if row is None:
            raise NotFound(self._not_found)
        await publish.removed(session, self.entity, row)

    @property
    def _not_found(self) -> str:
        return f"{self.entity.capitalize()} not found."
