"""Citizen rows: reads of live citizens, single writes, the bulk upsert behind `citizens:batch`, and erasure."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from registry.store.outbox import lock_outbox
from registry.store.rows import (
    TenantRows,
    by_external_ref,
    list_page,
    lock_for_writes,
    page_by_id,
    scoped,
    upsert_json,
)
from registry.store.tables import citizens, enrolments
from servicekit.pagination import TimePosition

# Versioned writes (PATCH); reads go through get_live, which never returns an erased citizen.
CITIZENS = TenantRows(citizens)
PERSONAL_COLUMNS = (
    "external_ref",
    "national_id_pseudonym",
    "national_id_ciphertext",
    "national_id_key_id",
    "name",
    "birth_year",
    "target_group",
    "benefit",
    "work_capacity_hours",
    "location",
    "consent",
    "content_hash",
)
# The bulk upsert takes all rows as one JSON array (one round trip, parsed by PostgreSQL) and
# leaves rows whose content is unchanged untouched (no new version, no feed entry). A row without
# a national id, or with the one stored already, keeps the stored pseudonym and ciphertext (so a
# resend that changes other fields does not replace the encrypted copy). A row without an id gets
# one from PostgreSQL.
UPSERT = sa.text(
    """
    INSERT INTO citizens AS c (
        id, municipality, external_ref, national_id_pseudonym, national_id_ciphertext, national_id_key_id,
        name, birth_year, target_group, benefit, work_capacity_hours, skills, support_needs, interests,
        location, consent, content_hash)
    SELECT coalesce(r.id, gen_random_uuid()), r.municipality, r.external_ref, decode(r.national_id_pseudonym, 'hex'),
        decode(r.national_id_ciphertext, 'hex'), r.national_id_key_id,
        r.name, r.birth_year, r.target_group, nullif(r.benefit, 'null'), r.work_capacity_hours, r.skills,
        r.support_needs, r.interests, nullif(r.location, 'null'), nullif(r.consent, 'null'), r.content_hash
    FROM jsonb_to_recordset(CAST(:rows AS jsonb)) AS r(
        id uuid, municipality text, external_ref text, national_id_pseudonym text, national_id_ciphertext text,
        national_id_key_id text, name text,
        birth_year int, target_group text, benefit jsonb, work_capacity_hours int, skills jsonb,
        support_needs jsonb, interests jsonb, location jsonb, consent jsonb, content_hash text)
    ON CONFLICT (municipality, external_ref) DO UPDATE SET
        national_id_pseudonym = coalesce(excluded.national_id_pseudonym, c.national_id_pseudonym),
        national_id_ciphertext = CASE WHEN excluded.national_id_pseudonym IS DISTINCT FROM c.national_id_pseudonym
            THEN coalesce(excluded.national_id_ciphertext, c.national_id_ciphertext) ELSE c.national_id_ciphertext END,
        national_id_key_id = CASE WHEN excluded.national_id_pseudonym IS DISTINCT FROM c.national_id_pseudonym
            THEN coalesce(excluded.national_id_key_id, c.national_id_key_id) ELSE c.national_id_key_id END,
        name = excluded.name, birth_year = excluded.birth_year, target_group = excluded.target_group,
        benefit = excluded.benefit, work_capacity_hours = excluded.work_capacity_hours, skills = excluded.skills,
        support_needs = excluded.support_needs, interests = excluded.interests, location = excluded.location,
        consent = excluded.consent, content_hash = excluded.content_hash,
        consent_purposes = CASE WHEN excluded.consent IS DISTINCT FROM c.consent
            THEN c.consent_purposes - 'matching' ELSE c.consent_purposes END,
        version = c.version + 1, updated_at = now()
    WHERE c.content_hash IS DISTINCT FROM excluded.content_hash
       OR (excluded.national_id_pseudonym IS NOT NULL
           AND c.national_id_pseudonym IS DISTINCT FROM excluded.national_id_pseudonym)
    RETURNING c.id, c.municipality, c.external_ref, c.updated_at, (c.xmax = 0) AS inserted
    """
)
# The change-feed entries of citizens just written, built by PostgreSQL from the rows themselves
# (feed.citizen_data's shape; a test holds the two to the same output): no Python objects per
# change and no second copy of the data sent back as a JSON parameter to parse. In `ids` order;
# one primary-key probe per id (LIMIT 1 keeps the planner, with stale statistics on a table that a
# sync is growing, from hashing the whole table instead).
APPEND_UPSERTS = sa.text(
    """
    INSERT INTO outbox (entity, entity_id, op, municipality, data)
    SELECT 'citizen', c.id::text, 'upsert', c.municipality, jsonb_build_object(
        'id', c.id::text, 'municipality', c.municipality, 'external_ref', c.external_ref,
        'birth_year', c.birth_year, 'target_group', c.target_group, 'benefit', c.benefit,
        'work_capacity_hours', c.work_capacity_hours, 'skills', c.skills, 'support_needs', c.support_needs,
        'interests', c.interests, 'location', c.location,
        'consent', CASE WHEN c.consent_purposes ? 'matching'
            THEN jsonb_build_object(
                'matching', c.consent_purposes -> 'matching' ->> 'status' IN ('granted', 'legal_basis'),
                'given_at', c.consent_purposes -> 'matching' -> 'since')
            ELSE c.consent END,
        'purposes', CASE WHEN c.consent_purposes = '{}'::jsonb
            -- No purpose recorded on its own (every citizen a bulk sync writes): the legacy flag alone.
            THEN CASE WHEN coalesce((c.consent ->> 'matching')::boolean, false)
                THEN '["matching"]'::jsonb ELSE '[]'::jsonb END
            ELSE (
            SELECT coalesce(jsonb_agg(p.purpose ORDER BY p.purpose), '[]'::jsonb) FROM (
                SELECT e.key AS purpose FROM jsonb_each(c.consent_purposes) AS e
                WHERE e.value ->> 'status' IN ('granted', 'legal_basis')
                UNION ALL
                SELECT 'matching' WHERE NOT c.consent_purposes ? 'matching'
                    AND coalesce((c.consent ->> 'matching')::boolean, false)
            ) AS p) END,
        'updated_at', to_char(c.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"+00:00"'))
    FROM unnest(CAST(:ids AS uuid[])) WITH ORDINALITY AS k(id, n)
    CROSS JOIN LATERAL (SELECT * FROM citizens s WHERE s.id = k.id LIMIT 1) AS c
    ORDER BY k.n
    """
)
# Look-ups by many keys pass two arrays (two parameters) rather than 2 x 1,000 bound values, and
# probe the unique index once per key (see rows.by_external_ref).
REFS_BY_PSEUDONYM = sa.text(
    """
    SELECT c.municipality, c.national_id_pseudonym, c.external_ref
    FROM unnest(CAST(:municipalities AS text[]), CAST(:pseudonyms AS bytea[])) AS k(municipality, pseudonym)
    CROSS JOIN LATERAL (
        SELECT * FROM citizens s WHERE s.municipality = k.municipality AND s.national_id_pseudonym = k.pseudonym
        LIMIT 1
    ) AS c
    """
)


async def upsert_many(session: AsyncSession, rows: Sequence[dict[str, Any]]) -> list[sa.Row[Any]]:
    """Insert or update by (municipality, external_ref); (id, municipality, external_ref, updated_at,
    inserted) of the rows created or changed only."""
    return await upsert_json(session, UPSERT, rows)


async def record_upserts(session: AsyncSession, ids: Sequence[uuid.UUID]) -> None:
    """Put the new state of the citizens `ids` (written in this transaction) on the change feed."""
    if ids:
        await lock_outbox(session)
        await session.execute(APPEND_UPSERTS, {"ids": list(ids)})


async def current_by_ref(session: AsyncSession, keys: Iterable[tuple[str, str]]) -> dict[tuple[str, str], sa.Row[Any]]:
    """Stored citizens by (municipality, external_ref): id, content hash and national id pseudonym."""
    return await by_external_ref(session, citizens, keys, citizens.c.content_hash, citizens.c.national_id_pseudonym)


async def lock_municipalities(session: AsyncSession, municipalities: Iterable[str]) -> None:
    """Serialise citizen writers per municipality until commit (see rows.lock_for_writes)."""
    await lock_for_writes(session, citizens, municipalities)


async def share_municipalities(session: AsyncSession, municipalities: Iterable[str]) -> None:
    """Write citizens of these municipalities beside other optimistic writers, but never while one
    holds `lock_municipalities` (see rows.lock_for_writes)."""
    await lock_for_writes(session, citizens, municipalities, shared=True)


async def refs_by_pseudonym(
    session: AsyncSession, keys: Sequence[tuple[str, bytes]]
) -> dict[tuple[str, bytes], str | None]:
    """The external_ref holding each (municipality, pseudonym) already."""
    if not keys:
        return {}
    params = {"municipalities": [k[0] for k in keys], "pseudonyms": [k[1] for k in keys]}
    rows = (await session.execute(REFS_BY_PSEUDONYM, params)).all()
    return {(r.municipality, bytes(r.national_id_pseudonym)): r.external_ref for r in rows}


async def insert_one(session: AsyncSession, values: dict[str, Any]) -> sa.Row[Any] | None:
    """Insert; None when the external_ref or the national id is taken in the municipality."""
    statement = insert(citizens).values(**values).on_conflict_do_nothing().returning(citizens)
    row: sa.Row[Any] | None = (await session.execute(statement)).first()
    return row


async def get_live(
    session: AsyncSession, citizen_id: uuid.UUID, *, tenant: str, lock: bool = False
) -> sa.Row[Any] | None:
    """A citizen that has not been erased (`lock`: held against other writers until commit)."""
    query = scoped(
        sa.select(citizens).where(citizens.c.id == citizen_id, citizens.c.erased_at.is_(None)), citizens, tenant
    )
    if lock:
        query = query.with_for_update()
    return (await session.execute(query)).first()


async def live_page_by_id(
    session: AsyncSession, *, tenant: str, after: uuid.UUID | None, limit: int
) -> list[sa.Row[Any]]:
    """Citizens not erased, in id order after `after` (a walk over every citizen, e.g. a taxonomy remap)."""
    return await page_by_id(
        session, citizens, tenant=tenant, after=after, limit=limit, where=[citizens.c.erased_at.is_(None)]
    )


async def list_live(
    session: AsyncSession,
    *,
    tenant: str,
    after: TimePosition | None,
    limit: int,
    municipality: str | None = None,
    target_group: str | None = None,
    partnership_id: uuid.UUID | None = None,
    updated_since: dt.datetime | None = None,
) -> list[sa.Row[Any]]:
    """Citizens not erased, in (created_at, id) order; `partnership_id`: those enrolled in it."""
    where: list[sa.ColumnElement[bool]] = [citizens.c.erased_at.is_(None)]
    if municipality:
        where.append(citizens.c.municipality == municipality)
    if target_group:
        where.append(citizens.c.target_group == target_group)
    if partnership_id:
        enrolled = scoped(sa.select(enrolments.c.citizen_id), enrolments, tenant).where(
            enrolments.c.partnership_id == partnership_id
        )
        where.append(citizens.c.id.in_(enrolled))
    if updated_since:
        where.append(citizens.c.updated_at >= updated_since)
    return await list_page(session, citizens, tenant=tenant, where=where, after=after, limit=limit)


async def holder_of_pseudonym(session: AsyncSession, *, municipality: str, pseudonym: bytes) -> uuid.UUID | None:
    query = sa.select(citizens.c.id).where(
        citizens.c.municipality == municipality, citizens.c.national_id_pseudonym == pseudonym
    )
    return await session.scalar(query)


async def erase_many(session: AsyncSession, citizen_ids: Sequence[uuid.UUID], *, tenant: str) -> list[sa.Row[Any]]:
    """Null every personal field of these citizens and mark them erased (the id stays, pseudonymous);
    (id, municipality) of those erased now."""
    if not citizen_ids:
        return []
    statement = scoped(sa.update(citizens), citizens, tenant).where(
        citizens.c.id.in_(citizen_ids), citizens.c.erased_at.is_(None)
    )
    cleared: dict[str, Any] = dict.fromkeys(PERSONAL_COLUMNS)
    cleared.update(skills=[], support_needs=[], interests=[], consent_purposes={})
    statement = statement.values(
        **cleared, erased_at=sa.func.now(), version=citizens.c.version + 1, updated_at=sa.func.now()
    )
    return list((await session.execute(statement.returning(citizens.c.id, citizens.c.municipality))).all())


async def known(
    session: AsyncSession, citizen_ids: Sequence[uuid.UUID], *, tenant: str
) -> dict[uuid.UUID, sa.Row[Any]]:
    """The tenant's citizens among `citizen_ids`, erased or not: id, municipality, erased_at."""
    if not citizen_ids:
        return {}
    query = sa.select(citizens.c.id, citizens.c.municipality, citizens.c.erased_at).where(
        citizens.c.id.in_(citizen_ids)
    )
    return {r.id: r for r in (await session.execute(scoped(query, citizens, tenant))).all()}


# A citizen's programme has ended when every enrolment of theirs is in an ended phase (then: the
# last change of those), or they were never enrolled (then: the last change of the citizen).
PAST_RETENTION = sa.text(
    """
    SELECT c.id, c.municipality, coalesce(e.last_change, c.updated_at) AS programme_ended_at
    FROM citizens c
    JOIN municipalities m ON m.code = c.municipality
    LEFT JOIN LATERAL (
        SELECT bool_or(NOT (s.phase = ANY(CAST(:ended AS text[])))) AS still_open, max(s.updated_at) AS last_change
        FROM enrolments s WHERE s.citizen_id = c.id
    ) AS e ON true
    WHERE c.erased_at IS NULL
      AND (CAST(:municipality AS text) IS NULL OR c.municipality = CAST(:municipality AS text))
      AND NOT coalesce(e.still_open, false)
      AND coalesce(e.last_change, c.updated_at) < CAST(:now AS timestamptz) - make_interval(years => m.retention_years)
    ORDER BY c.municipality, c.id
    LIMIT :limit
    """
)


async def past_retention(
    session: AsyncSession, *, now: dt.datetime, ended_phases: Sequence[str], municipality: str | None, limit: int
) -> list[sa.Row[Any]]:
    """Citizens whose programme ended longer ago than their municipality's retention period."""
    params = {"ended": list(ended_phases), "municipality": municipality, "now": now, "limit": limit}
    return list((await session.execute(PAST_RETENTION, params)).all())


async def sealed_under_other_keys(session: AsyncSession, *, active_key_id: str, limit: int) -> Sequence[sa.Row[Any]]:
    """Citizens whose national id is encrypted under a key other than the active one (rotation)."""
    query = (
        sa.select(citizens)
        .where(citizens.c.national_id_ciphertext.is_not(None), citizens.c.national_id_key_id != active_key_id)
        .order_by(citizens.c.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    return (await session.execute(query)).all()


async def store_ciphertext(session: AsyncSession, citizen_id: uuid.UUID, *, ciphertext: bytes, key_id: str) -> None:
    """Replace the encrypted copy only: the person, the version and the change feed are untouched."""
    await session.execute(
        sa.update(citizens)
        .where(citizens.c.id == citizen_id)
        .values(national_id_ciphertext=ciphertext, national_id_key_id=key_id)
    )


async def live_ids_by_pseudonym(
    session: AsyncSession, *, municipality: str, pseudonyms: Sequence[bytes]
) -> dict[bytes, tuple[uuid.UUID, str]]:
    """The municipality's live citizens holding these national id pseudonyms: (id, municipality) by pseudonym."""
    if not pseudonyms:
        return {}
    query = sa.select(citizens.c.id, citizens.c.municipality, citizens.c.national_id_pseudonym).where(
        citizens.c.municipality == municipality,
        citizens.c.national_id_pseudonym.in_(list(set(pseudonyms))),
        citizens.c.erased_at.is_(None),
    )
    return {bytes(row.national_id_pseudonym): (row.id, row.municipality) for row in await session.execute(query)}
