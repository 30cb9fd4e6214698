"""Stored idempotent answers: purging those that name an erased citizen."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from pydantic_core import to_json
from sqlalchemy.ext.asyncio import AsyncSession

# Every stored answer that names one of the ids is replaced by `gone`: a replay of the key then
# answers that, never the old body, and the key stays taken so the replay cannot create the
# citizen again. The registry's answers name a citizen in three places: a citizen's `id`, an
# enrolment's `citizen_id`, and the `items[].id` of a batch result. The ids are a hashed set, so
# a stored batch answer costs one pass over its items however many citizens are erased at once.
PURGE = sa.text(
    """
    WITH erased AS (SELECT unnest(CAST(:ids AS text[])) AS id)
    UPDATE idempotency_keys AS k SET status_code = :status, response_body = CAST(:gone AS jsonb)
    WHERE k.response_body ->> 'id' IN (SELECT id FROM erased)
       OR k.response_body ->> 'citizen_id' IN (SELECT id FROM erased)
       OR (jsonb_typeof(k.response_body -> 'items') = 'array' AND EXISTS (
           SELECT 1 FROM jsonb_array_elements(k.response_body -> 'items') AS i
           WHERE i ->> 'id' IN (SELECT id FROM erased)))
    """
)


async def purge_answers_naming(
    session: AsyncSession, ids: Sequence[uuid.UUID], *, status: int, gone: dict[str, Any]
) -> int:
    """Replace the stored answers that contain any of `ids`; how many were replaced."""
    if not ids:
        return 0
    params = {"status": status, "gone": to_json(gone).decode(), "ids": [str(i) for i in ids]}
    result = await session.execute(PURGE, params)
    return int(result.rowcount)  # type: ignore[attr-defined]
