"""The steps every PATCH shares: If-Match against the stored version, the versioned write, the feed, the ETag."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import sqlalchemy as sa
from fastapi import Response
from sqlalchemy.ext.asyncio import AsyncSession

from registry import feed
from registry.repository import rows
from registry.repository.outbox import record_change
from servicekit.errors import NotFound
from servicekit.etag import check_version, etag_for, parse_if_match, stale


async def current_for_update(
    if_match: str | None, load: Callable[[], Awaitable[Any]], *, not_found: str
) -> tuple[int, Any]:
    """The version the client read and the stored row: 428 without If-Match, 404 if absent, 412 if stale."""
    expected = parse_if_match(if_match)
    current = await load()
    if current is None:
        raise NotFound(not_found)
    check_version(expected, current.version)
    return expected, current


async def save_update(
    session: AsyncSession,
    table: sa.Table,
    row_id: uuid.UUID,
    *,
    tenant: str,
    expected: int,
    values: dict[str, Any],
    entity: str,
    feed_data: Callable[[Any], dict[str, Any]],
    response: Response,
) -> Any:
    """Write validated values if the row is still at `expected` (else 412), put it on the feed, set the ETag."""
    row = await rows.update(session, table, row_id, tenant=tenant, expected_version=expected, values=values)
    if row is None:
        stale()
    await record_change(session, **feed.upsert(entity, row, feed_data(row)))
    response.headers["ETag"] = etag_for(row.version)
    return row
