"""Opening rows: the bulk upsert behind `openings:batch`."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

UPSERT = sa.text(
    """
    INSERT INTO openings AS o (
        id, municipality, external_ref, organisation_id, title, occupation, skills, hours_min, hours_max, seats,
        support_offered, flexjob, location, status, content_hash)
    SELECT r.id, r.municipality, r.external_ref, r.organisation_id, r.title, r.occupation, r.skills, r.hours_min,
        r.hours_max, r.seats, r.support_offered, r.flexjob, nullif(r.location, 'null'), r.status, r.content_hash
    FROM jsonb_to_recordset(CAST(:rows AS jsonb)) AS r(
        id uuid, municipality text, external_ref text, organisation_id uuid, title text, occupation text, skills jsonb,
        hours_min int, hours_max int, seats int, support_offered jsonb, flexjob boolean, location jsonb, status text,
        content_hash text)
    ON CONFLICT (municipality, external_ref) DO UPDATE SET
        organisation_id = excluded.organisation_id, title = excluded.title, occupation = excluded.occupation,
        skills = excluded.skills, hours_min = excluded.hours_min, hours_max = excluded.hours_max,
        seats = excluded.seats, support_offered = excluded.support_offered, flexjob = excluded.flexjob,
        location = excluded.location, status = excluded.status, content_hash = excluded.content_hash,
        version = o.version + 1, updated_at = now()
    WHERE o.content_hash IS DISTINCT FROM excluded.content_hash
    RETURNING o.id, o.municipality, o.external_ref, o.updated_at, (o.xmax = 0) AS inserted
    """
)
IDS_BY_REF = sa.text(
    """
    SELECT o.id, o.municipality, o.external_ref FROM openings o
    JOIN unnest(CAST(:municipalities AS text[]), CAST(:refs AS text[])) AS k(municipality, external_ref)
      ON o.municipality = k.municipality AND o.external_ref = k.external_ref
    """
)


async def upsert_many(session: AsyncSession, rows: Sequence[dict[str, Any]]) -> list[sa.Row[Any]]:
    """Insert or update by (municipality, external_ref); (id, municipality, external_ref, updated_at,
    inserted) of the rows created or changed only."""
    if not rows:
        return []
    payload = json.dumps(list(rows), separators=(",", ":"), default=str)
    return list((await session.execute(UPSERT, {"rows": payload})).all())


async def ids_by_ref(session: AsyncSession, keys: Sequence[tuple[str, str]]) -> dict[tuple[str, str], sa.Row[Any]]:
    if not keys:
        return {}
    params = {"municipalities": [k[0] for k in keys], "refs": [k[1] for k in keys]}
    return {(r.municipality, r.external_ref): r for r in (await session.execute(IDS_BY_REF, params)).all()}
