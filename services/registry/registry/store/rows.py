"""Tenant-scoped reads and versioned writes shared by every table with a `municipality` column.

Every statement filters by the caller's municipality (unless national, '*'); row-level security
in PostgreSQL is the second fence should a statement ever forget.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import uuid
from collections.abc import AsyncIterator, Iterable, Iterator, Mapping, Sequence
from contextlib import asynccontextmanager
from typing import Any

import sqlalchemy as sa
from pydantic_core import to_json
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from registry.domain.errors import WriteRace
from servicekit.domain_errors import DomainError
from servicekit.pagination import TimePosition

NATIONAL = "*"
# The two ways a concurrent writer can refuse an optimistic write: unique_violation, deadlock_detected.
RACES = frozenset({"23505", "40P01"})


def scoped(query: Any, table: sa.Table, tenant: str) -> Any:
    """Restrict `query` to the tenant's rows (national roles see all)."""
    if tenant == NATIONAL:
        return query
    return query.where(table.c.municipality == tenant)


async def get(session: AsyncSession, table: sa.Table, row_id: uuid.UUID, *, tenant: str) -> sa.Row[Any] | None:
    return (await session.execute(scoped(sa.select(table).where(table.c.id == row_id), table, tenant))).first()


async def get_many(
    session: AsyncSession, table: sa.Table, ids: Sequence[uuid.UUID], *, tenant: str
) -> dict[uuid.UUID, sa.Row[Any]]:
    if not ids:
        return {}
    rows = (await session.execute(scoped(sa.select(table).where(table.c.id.in_(set(ids))), table, tenant))).all()
    return {r.id: r for r in rows}


async def list_page(
    session: AsyncSession,
    table: sa.Table,
    *,
    tenant: str,
    where: Sequence[sa.ColumnElement[bool]],
    after: TimePosition | None,
    limit: int,
) -> list[sa.Row[Any]]:
    """Rows in (created_at, id) order after the keyset position `after`."""
    query = scoped(sa.select(table), table, tenant).where(*where)
    if after is not None:
        query = query.where(
            sa.tuple_(table.c.created_at, table.c.id) > sa.tuple_(sa.literal(after[0]), sa.literal(after[1]))
        )
    query = query.order_by(table.c.created_at, table.c.id).limit(limit)
    return list((await session.execute(query)).all())


async def page_by_id(
    session: AsyncSession,
    table: sa.Table,
    *,
    tenant: str,
    after: uuid.UUID | None,
    limit: int,
    where: Sequence[sa.ColumnElement[bool]] = (),
) -> list[sa.Row[Any]]:
    """Rows in id order after `after`: a walk over a whole table that rows changed behind it do not disturb."""
    query = scoped(sa.select(table), table, tenant).where(*where)
    if after is not None:
        query = query.where(table.c.id > after)
    return list((await session.execute(query.order_by(table.c.id).limit(limit))).all())


async def insert(session: AsyncSession, table: sa.Table, values: dict[str, Any]) -> sa.Row[Any]:
    row: sa.Row[Any] = (await session.execute(sa.insert(table).values(**values).returning(table))).one()
    return row


async def update(
    session: AsyncSession,
    table: sa.Table,
    row_id: uuid.UUID,
    *,
    tenant: str,
    expected_version: int,
    values: dict[str, Any],
) -> sa.Row[Any] | None:
    """Apply `values` if the row is still at `expected_version`; None otherwise."""
    statement = scoped(sa.update(table), table, tenant).where(table.c.id == row_id, table.c.version == expected_version)
    statement = statement.values(**values, version=table.c.version + 1, updated_at=sa.func.now()).returning(table)
    return (await session.execute(statement)).first()


async def delete(session: AsyncSession, table: sa.Table, row_id: uuid.UUID, *, tenant: str) -> sa.Row[Any] | None:
    statement = scoped(sa.delete(table), table, tenant).where(table.c.id == row_id).returning(table)
    return (await session.execute(statement)).first()


async def insert_unless_taken(session: AsyncSession, table: sa.Table, values: dict[str, Any]) -> sa.Row[Any] | None:
    """Insert; None when a unique key (e.g. municipality + external_ref) is taken already."""
    statement = pg_insert(table).values(**values).on_conflict_do_nothing().returning(table)
    row: sa.Row[Any] | None = (await session.execute(statement)).first()
    return row


async def lock_for_writes(
    session: AsyncSession, table: sa.Table, municipalities: Iterable[str], *, shared: bool = False
) -> None:
    """Hold, until commit, the right to write `table`'s rows of each municipality.

    A batch reads the stored rows, decides, then writes: two batches of one municipality at the
    same time (the same external_ref, or the same national id under two refs) would otherwise
    both decide on a stale view and meet in a unique violation or a deadlock. Sorted, so that
    two national batches take their locks in the same order. `shared`: for writers that decide
    nothing on what they read (an optimistic batch) — they run side by side, and a writer holding
    the lock exclusively still sees no one else write.
    """
    take = sa.func.pg_advisory_xact_lock_shared if shared else sa.func.pg_advisory_xact_lock
    for code in sorted(set(municipalities)):
        key = sa.func.hashtextextended(f"{table.name}:{code}", 0)
        await session.execute(sa.select(take(key)))


async def by_external_ref(
    session: AsyncSession, table: sa.Table, keys: Iterable[tuple[str, str]], *columns: sa.Column[Any]
) -> dict[tuple[str, str], sa.Row[Any]]:
    """Stored rows by (municipality, external_ref): id and `columns`, in one query."""
    wanted = sorted(set(keys))
    if not wanted:
        return {}
    # One probe of the unique index per key, whatever the planner's statistics say: a plain join
    # or `= ANY` on a table that grew since its last ANALYZE was planned as a scan of the whole
    # municipality, which grows with every batch. LIMIT 1 (the key is unique) keeps PostgreSQL
    # from flattening the LATERAL subquery back into such a join. Two array parameters, not
    # 2 x 1,000 bound values.
    selected = ", ".join(f"t.{name}" for name in ("id", "municipality", "external_ref", *(c.name for c in columns)))
    query = sa.text(
        f"SELECT {selected} FROM unnest(CAST(:codes AS text[]), CAST(:refs AS text[])) AS k(municipality, ref) "
        f"CROSS JOIN LATERAL (SELECT * FROM {table.name} s "
        "WHERE s.municipality = k.municipality AND s.external_ref = k.ref LIMIT 1) AS t"
    )
    params = {"codes": [k[0] for k in wanted], "refs": [k[1] for k in wanted]}
    return {(r.municipality, r.external_ref): r for r in (await session.execute(query, params)).all()}


async def upsert_json(
    session: AsyncSession, statement: sa.TextClause, rows: Sequence[dict[str, Any]]
) -> list[sa.Row[Any]]:
    """Run a bulk upsert that reads its rows from one JSON array (`:rows`; bytes as hex)."""
    if not rows:
        return []
    # One parameter and one round trip; pydantic-core serialises ~4x faster than json.dumps.
    payload = to_json(list(rows), bytes_mode="hex").decode()
    return list((await session.execute(statement, {"rows": payload})).all())


@asynccontextmanager
async def savepoint_or_race(session: AsyncSession) -> AsyncIterator[None]:
    """Run the block in a savepoint; a unique violation or deadlock in it rolls back to it and raises WriteRace."""
    try:
        async with session.begin_nested():
            yield
    except DBAPIError as exc:
        if getattr(exc.orig, "sqlstate", None) not in RACES:
            raise
        raise WriteRace() from exc


class TenantRows:
    """One tenant table's rows: reads scoped to the caller's municipality, versioned writes, and the
    domain errors its constraints stand for (`taken`: a unique key; `referenced`: a foreign key)."""

    def __init__(
        self,
        table: sa.Table,
        *,
        taken: type[DomainError] | None = None,
        referenced: type[DomainError] | None = None,
    ) -> None:
        self.table = table
        self.noun = table.name[:-1]  # "organisation", used in messages about references
        self._taken = taken
        self._referenced = referenced

    async def get(self, session: AsyncSession, row_id: uuid.UUID, *, tenant: str) -> sa.Row[Any] | None:
        return await get(session, self.table, row_id, tenant=tenant)

    async def get_many(
        self, session: AsyncSession, ids: Sequence[uuid.UUID], *, tenant: str
    ) -> dict[uuid.UUID, sa.Row[Any]]:
        return await get_many(session, self.table, ids, tenant=tenant)

    async def list_page(
        self,
        session: AsyncSession,
        *,
        tenant: str,
        after: TimePosition | None,
        limit: int,
        equal: Mapping[str, object] | None = None,
        updated_since: dt.datetime | None = None,
    ) -> list[sa.Row[Any]]:
        """Rows in (created_at, id) order after `after`; `equal` filters by column (None or "": no filter)."""
        columns = self.table.c
        where = [columns[name] == value for name, value in (equal or {}).items() if value not in (None, "")]
        if updated_since is not None:
            where.append(columns.updated_at >= updated_since)
        return await list_page(session, self.table, tenant=tenant, where=where, after=after, limit=limit)

    @contextlib.contextmanager
    def _taken_as_conflict(self) -> Iterator[None]:
        """A unique violation is the collection's own `taken` error where it has one."""
        try:
            yield
        except IntegrityError as exc:
            if self._taken is None:
                raise
            raise self._taken() from exc

    async def insert(self, session: AsyncSession, values: dict[str, Any]) -> sa.Row[Any]:
        with self._taken_as_conflict():
            return await insert(session, self.table, values)

    async def insert_unless_taken(self, session: AsyncSession, values: dict[str, Any]) -> sa.Row[Any] | None:
        return await insert_unless_taken(session, self.table, values)

    async def update(
        self, session: AsyncSession, row_id: uuid.UUID, *, tenant: str, expected_version: int, values: dict[str, Any]
    ) -> sa.Row[Any] | None:
        with self._taken_as_conflict():
            return await update(
                session, self.table, row_id, tenant=tenant, expected_version=expected_version, values=values
            )

    async def delete(self, session: AsyncSession, row_id: uuid.UUID, *, tenant: str) -> sa.Row[Any] | None:
        try:
            return await delete(session, self.table, row_id, tenant=tenant)
        except IntegrityError as exc:
            if self._referenced is None:
                raise
            raise self._referenced() from exc
