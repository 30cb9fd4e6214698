"""Organisation rows: companies, social enterprises, business councils, providers, municipal units."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from registry.domain.errors import OrganisationReferenced, RegistrationNumberTaken
from registry.store.rows import TenantRows
from registry.store.tables import organisations

ORGANISATIONS = TenantRows(organisations, taken=RegistrationNumberTaken, referenced=OrganisationReferenced)


async def by_registration_number(
    session: AsyncSession, keys: Iterable[tuple[str, str]], *, kinds: Iterable[str]
) -> dict[tuple[str, str], sa.Row[Any]]:
    """Organisations of `kinds` by (municipality, registration_number); the oldest when several kinds share one."""
    wanted = sorted(set(keys))
    if not wanted:
        return {}
    query = (
        sa.select(organisations)
        .where(
            sa.tuple_(organisations.c.municipality, organisations.c.registration_number).in_(wanted),
            organisations.c.kind.in_(sorted(kinds)),
        )
        .order_by(organisations.c.created_at.desc())
    )
    return {(r.municipality, r.registration_number): r for r in (await session.execute(query)).all()}


async def insert_missing(session: AsyncSession, rows: Sequence[dict[str, Any]]) -> list[sa.Row[Any]]:
    """Insert the organisations whose (municipality, kind, registration_number) is new; the rows inserted."""
    if not rows:
        return []
    statement = (
        insert(organisations)
        .values(list(rows))
        .on_conflict_do_nothing(index_elements=["municipality", "kind", "registration_number"])
        .returning(organisations)
    )
    return list((await session.execute(statement)).all())
