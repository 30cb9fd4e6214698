"""Opening rows: single reads and writes, and the bulk upsert behind `openings:batch`."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from registry.store import rows
from registry.store.rows import TenantRows, by_external_ref, lock_for_writes, scoped, upsert_json
from registry.store.tables import openings

OPENINGS = TenantRows(openings)
UPSERT = sa.text(
    """
    INSERT INTO openings AS o (
        id, municipality, external_ref, organisation_id, title, occupation, skills, hours_min, hours_max, seats,
        support_offered, flexjob, location, status, content_hash, source_concepts, valid_through)
    SELECT r.id, r.municipality, r.external_ref, r.organisation_id, r.title, r.occupation, r.skills, r.hours_min,
        r.hours_max, r.seats, r.support_offered, r.flexjob, nullif(r.location, 'null'), r.status, r.content_hash,
        coalesce(r.source_concepts, '[]'), r.valid_through
    FROM jsonb_to_recordset(CAST(:rows AS jsonb)) AS r(
        id uuid, municipality text, external_ref text, organisation_id uuid, title text, occupation text, skills jsonb,
        hours_min int, hours_max int, seats int, support_offered jsonb, flexjob boolean, location jsonb, status text,
        content_hash text, source_concepts jsonb, valid_through timestamptz)
    ON CONFLICT (municipality, external_ref) DO UPDATE SET
        organisation_id = excluded.organisation_id, title = excluded.title, occupation = excluded.occupation,
        skills = excluded.skills, hours_min = excluded.hours_min, hours_max = excluded.hours_max,
        seats = excluded.seats, support_offered = excluded.support_offered, flexjob = excluded.flexjob,
        location = excluded.location, status = excluded.status, content_hash = excluded.content_hash,
        source_concepts = excluded.source_concepts, valid_through = excluded.valid_through,
        version = o.version + 1, updated_at = now()
    WHERE o.content_hash IS DISTINCT FROM excluded.content_hash
    RETURNING o.id, o.municipality, o.external_ref, o.updated_at, (o.xmax = 0) AS inserted
    """
)


async def upsert_many(session: AsyncSession, rows: Sequence[dict[str, Any]]) -> list[sa.Row[Any]]:
    """Insert or update by (municipality, external_ref); (id, municipality, external_ref, updated_at,
    inserted) of the rows created or changed only."""
    return await upsert_json(session, UPSERT, rows)


async def current_by_ref(session: AsyncSession, keys: Iterable[tuple[str, str]]) -> dict[tuple[str, str], sa.Row[Any]]:
    """Stored openings by (municipality, external_ref): id and content hash."""
    return await by_external_ref(session, openings, keys, openings.c.content_hash)


async def lock_municipalities(session: AsyncSession, municipalities: Iterable[str]) -> None:
    """Serialise opening batches per municipality until commit (see rows.lock_for_writes)."""
    await lock_for_writes(session, openings, municipalities)


async def page_by_id(session: AsyncSession, *, tenant: str, after: Any, limit: int) -> list[sa.Row[Any]]:
    """Openings in id order after `after` (a walk over every opening, e.g. a taxonomy remap)."""
    return await rows.page_by_id(session, openings, tenant=tenant, after=after, limit=limit)


async def by_refs(session: AsyncSession, refs: Sequence[str], *, tenant: str) -> list[sa.Row[Any]]:
    """Openings with any of `refs` as external_ref in the municipalities the caller may see."""
    if not refs:
        return []
    query = sa.select(openings.c.id, openings.c.municipality, openings.c.external_ref, openings.c.status).where(
        openings.c.external_ref.in_(sorted(set(refs)))
    )
    return list((await session.execute(scoped(query, openings, tenant))).all())


async def close_many(session: AsyncSession, ids: Sequence[Any]) -> list[sa.Row[Any]]:
    """Close the openings (a removed ad); the content hash changes so that the ad published again reopens it."""
    if not ids:
        return []
    statement = (
        sa.update(openings)
        .where(openings.c.id.in_(list(ids)), openings.c.status != "closed")
        .values(
            status="closed",
            content_hash="closed:" + openings.c.content_hash,
            version=openings.c.version + 1,
            updated_at=sa.func.now(),
        )
        .returning(openings)
    )
    return list((await session.execute(statement)).all())
