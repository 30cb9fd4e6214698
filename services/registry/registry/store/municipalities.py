from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from registry.store.tables import municipalities


async def create(
    session: AsyncSession, *, code: str, name: str, country: str, bank_account: dict[str, str] | None = None
) -> sa.Row[Any] | None:
    """Insert; None when the code exists already."""
    result = await session.execute(
        insert(municipalities)
        .values(code=code, name=name, country=country, bank_account=bank_account)
        .on_conflict_do_nothing(index_elements=["code"])
        .returning(municipalities)
    )
    row: sa.Row[Any] | None = result.first()
    return row


async def existing_codes(session: AsyncSession, codes: set[str]) -> set[str]:
    """The codes among `codes` that the registry holds."""
    if not codes:
        return set()
    query = sa.select(municipalities.c.code).where(municipalities.c.code.in_(codes))
    return set((await session.scalars(query)).all())


async def get(session: AsyncSession, code: str) -> sa.Row[Any] | None:
    return (await session.execute(sa.select(municipalities).where(municipalities.c.code == code))).first()


async def list_page(
    session: AsyncSession, *, after_code: str | None, limit: int, tenant: str | None
) -> list[sa.Row[Any]]:
    query = sa.select(municipalities).order_by(municipalities.c.code).limit(limit)
    if after_code is not None:
        query = query.where(municipalities.c.code > after_code)
    if tenant is not None:
        query = query.where(municipalities.c.code == tenant)
    return list((await session.execute(query)).all())


async def update(
    session: AsyncSession, code: str, *, expected_version: int, values: dict[str, Any]
) -> sa.Row[Any] | None:
    """Apply `values` if the row is still at `expected_version`; None otherwise."""
    result = await session.execute(
        sa.update(municipalities)
        .where(municipalities.c.code == code, municipalities.c.version == expected_version)
        .values(**values, version=municipalities.c.version + 1, updated_at=sa.func.now())
        .returning(municipalities)
    )
    row: sa.Row[Any] | None = result.first()
    return row


async def codes_by_name(session: AsyncSession, *, country: str, names: set[str]) -> dict[str, str]:
    """Lower-cased municipality name → code, for the names the registry holds in `country`."""
    if not names:
        return {}
    query = sa.select(municipalities.c.code, sa.func.lower(municipalities.c.name).label("name")).where(
        municipalities.c.country == country, sa.func.lower(municipalities.c.name).in_(sorted(names))
    )
    return {row.name: row.code for row in (await session.execute(query)).all()}
