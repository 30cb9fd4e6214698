"""Openings as schema.org JobPosting JSON-LD, with the employer and the ESCO occupation."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from registry.domain.codes import CodeBook
from registry.domain.jobposting import ESCO_OCCUPATIONS, job_posting
from registry.domain.occupation_map import OccupationMap
from registry.schemas.jobpostings import JobPosting
from registry.store.openings import OPENINGS
from registry.store.organisations import ORGANISATIONS
from registry.usecases.opening_values import opening_read
from registry.usecases.results import Slice, slice_of
from registry.usecases.tenant_rows import get_row
from servicekit.pagination import TimePosition


def _documents(
    rows: list[Any], employers: dict[uuid.UUID, Any], *, omap: OccupationMap, book: CodeBook, base_url: str
) -> list[JobPosting]:
    found = []
    for row in rows:
        opening = opening_read(row).model_dump(mode="json")
        code = row.occupation
        esco = omap.esco_uri.get(code) or (code if code.startswith(ESCO_OCCUPATIONS) else None)
        employer = employers.get(row.organisation_id)
        labels = {s["code"]: book.skill_label(s["code"]) for s in opening["skills"]}
        label = omap.labels.get(code) or next(
            (c["label"] for c in opening["source_concepts"] if c["role"] == "occupation"), None
        )
        document = job_posting(
            opening,
            employer=employer._mapping if employer is not None else None,
            esco_uri=esco,
            occupation_label=label,
            skill_labels=labels,
            base_url=base_url,
        )
        found.append(JobPosting.model_validate(document))
    return found


async def get_job_posting(
    session: AsyncSession, opening_id: uuid.UUID, *, tenant: str, omap: OccupationMap, book: CodeBook, base_url: str
) -> JobPosting:
    row = await get_row(session, OPENINGS, opening_id, tenant=tenant, entity="opening")
    employers = await ORGANISATIONS.get_many(session, [row.organisation_id], tenant=tenant)
    return _documents([row], employers, omap=omap, book=book, base_url=base_url)[0]


async def list_job_postings(
    session: AsyncSession,
    *,
    tenant: str,
    municipality: str | None,
    after: TimePosition | None,
    limit: int,
    omap: OccupationMap,
    book: CodeBook,
    base_url: str,
) -> Slice[JobPosting]:
    rows = await OPENINGS.list_page(
        session, tenant=tenant, after=after, limit=limit + 1, equal={"municipality": municipality}, updated_since=None
    )
    page = slice_of(rows, limit, lambda row: row)
    employers = await ORGANISATIONS.get_many(session, [r.organisation_id for r in page.items], tenant=tenant)
    return Slice(_documents(page.items, employers, omap=omap, book=book, base_url=base_url), page.more_after)
