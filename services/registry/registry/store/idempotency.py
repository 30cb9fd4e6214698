"""Stored idempotent answers: purging those that name an erased citizen."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from pydantic_core import to_json
from sqlalchemy.ext.asyncio import AsyncSession

# Every stored answer that names one of the ids (a create's answer, a batch result's item) is
# replaced by `gone`: a replay of the key then answers that, never the old body, and the key
# stays taken so the replay cannot create the citizen again.
PURGE = sa.text(
    """
    UPDATE idempotency_keys SET status_code = :status, response_body = CAST(:gone AS jsonb)
    WHERE response_body::text LIKE ANY(CAST(:patterns AS text[]))
    """
)


async def purge_answers_naming(
    session: AsyncSession, ids: Sequence[uuid.UUID], *, status: int, gone: dict[str, Any]
) -> int:
    """Replace the stored answers that contain any of `ids`; how many were replaced."""
    if not ids:
        return 0
    params = {"status": status, "gone": to_json(gone).decode(), "patterns": [f"%{i}%" for i in ids]}
    result = await session.execute(PURGE, params)
    return int(result.rowcount)  # type: ignore[attr-defined]
