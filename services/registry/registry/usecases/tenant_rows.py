"""The steps every tenant collection shares: read one row, change it at the version read, delete it."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from registry.feed import publish
from registry.store.rows import TenantRows
from servicekit.domain_errors import NotFound, StaleVersion

STALE = "The resource changed since you read it; read it again and retry."


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


async def delete_row(session: AsyncSession, rows: TenantRows, row_id: uuid.UUID, *, tenant: str, entity: str) -> None:
    """Delete a row of the tenant (NotFound if absent) and announce it."""
    row = await rows.delete(session, row_id, tenant=tenant)
    if row is None:
        raise NotFound(f"{entity.capitalize()} not found.")
    await publish.removed(session, entity, row)
