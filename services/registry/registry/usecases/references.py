"""Checks that ids a request names exist in the caller's municipality (else 422 naming the field)."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from registry.domain.violations import Violation
from registry.store import municipalities as municipality_store
from registry.store.rows import TenantRows

UNKNOWN_MUNICIPALITY = Violation("municipality", "no such municipality in the registry", "unknown_municipality")


async def municipality_violations(session: AsyncSession, code: str) -> list[Violation]:
    if await municipality_store.get(session, code) is None:
        return [UNKNOWN_MUNICIPALITY]
    return []


async def reference_violations(
    session: AsyncSession,
    rows: TenantRows,
    references: Iterable[tuple[str, uuid.UUID | None, frozenset[str] | None]],
    *,
    municipality: str,
) -> list[Violation]:
    """Each (field, id, allowed kinds) must name a row of `municipality` (of an allowed kind)."""
    wanted = [(f, i, k) for f, i, k in references if i is not None]
    found: dict[uuid.UUID, Any] = await rows.get_many(session, [i for _, i, _ in wanted], tenant=municipality)
    violations = []
    for field, row_id, kinds in wanted:
        row = found.get(row_id)
        if row is None:
            violations.append(Violation(field, f"no such {rows.noun} in the municipality", "unknown_reference"))
        elif kinds is not None and row.kind not in kinds:
            violations.append(Violation(field, f"must be one of kind {', '.join(sorted(kinds))}", "wrong_kind"))
    return violations
