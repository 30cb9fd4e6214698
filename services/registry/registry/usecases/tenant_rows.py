"""The steps every tenant collection shares: read one row, change it at the version read, delete it."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Awaitable, Callable, Mapping
from typing import Any, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from registry.feed import publish
from registry.store.rows import TenantRows
from registry.usecases.results import Position, Slice, Versioned, slice_of
from servicekit.domain_errors import NotFound, StaleVersion

STALE = "The resource changed since you read it; read it again and retry."
R = TypeVar("R")


async def get_row(session: AsyncSession, rows: TenantRows, row_id: uuid.UUID, *, tenant: str, entity: str) -> Any:
    """One row of the tenant; NotFound if absent (or another municipality's)."""
    row = await rows.get(session, row_id, tenant=tenant)
    if row is None:
        raise NotFound(f"{entity.capitalize()} not found.")
    return row


async def get_versioned(
    session: AsyncSession, rows: TenantRows, row_id: uuid.UUID, read: Callable[[Any], R], *, tenant: str, entity: str
) -> Versioned[R]:
    """One row of the tenant as its answer and version; NotFound if absent (or another municipality's)."""
    row = await get_row(session, rows, row_id, tenant=tenant, entity=entity)
    return Versioned(read(row), row.version)


async def list_slice(
    session: AsyncSession,
    rows: TenantRows,
    read: Callable[[Any], R],
    *,
    tenant: str,
    after: Position | None,
    limit: int,
    equal: Mapping[str, object],
    updated_since: dt.datetime | None,
) -> Slice[R]:
    """A page of the tenant's rows in (created_at, id) order, filtered by column, as answers."""
    found = await rows.list_page(
        session, tenant=tenant, after=after, limit=limit + 1, equal=equal, updated_since=updated_since
    )
    return slice_of(found, limit, read)


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


async def update_versioned(
    session: AsyncSession,
    rows: TenantRows,
    row_id: uuid.UUID,
    read: Callable[[Any], R],
    *,
    tenant: str,
    expected: int,
    entity: str,
    revise: Callable[[Any], Awaitable[dict[str, Any]]],
) -> Versioned[R]:
    """A PATCH at the version read: `revise(current)` validates and answers the values to write."""
    current = await current_for_update(
        expected, lambda: rows.get(session, row_id, tenant=tenant), not_found=f"{entity.capitalize()} not found."
    )
    values = await revise(current)
    row = await save_update(session, rows, row_id, tenant=tenant, expected=expected, values=values, entity=entity)
    return Versioned(read(row), row.version)


async def delete_row(session: AsyncSession, rows: TenantRows, row_id: uuid.UUID, *, tenant: str, entity: str) -> None:
    """Delete a row of the tenant (NotFound if absent) and announce it."""
    row = await rows.delete(session, row_id, tenant=tenant)
    if row is None:
        raise NotFound(f"{entity.capitalize()} not found.")
    await publish.removed(session, entity, row)
