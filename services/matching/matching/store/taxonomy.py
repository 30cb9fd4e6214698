"""The imported taxonomy (skills, occupations) and which source was imported."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from taxonomy import Taxonomy

from .tables import taxonomy_imports, taxonomy_occupations, taxonomy_skills


async def lock_taxonomy_import(session: AsyncSession) -> None:
    """One replica imports at a time (held to the end of the transaction)."""
    await session.execute(sa.text("select pg_advisory_xact_lock(hashtext('matching.taxonomy_import'))"))


async def taxonomy_imported(session: AsyncSession, source: str) -> bool:
    query = sa.select(taxonomy_imports.c.source).where(taxonomy_imports.c.source == source)
    return (await session.execute(query)).first() is not None


async def import_taxonomy(session: AsyncSession, taxonomy: Taxonomy, *, batch: int = 5_000) -> None:
    """Replace the stored skills and occupations with `taxonomy` and record the import."""
    await session.execute(sa.delete(taxonomy_skills))
    await session.execute(sa.delete(taxonomy_occupations))
    await session.execute(sa.delete(taxonomy_imports))
    skills = [
        {
            "code": s.code,
            "label": s.label,
            "groups": list(s.groups),
            "broader": list(s.broader),
            "transversal": s.transversal,
        }
        for s in taxonomy.skills.values()
    ]
    occupations = [
        {
            "code": o.code,
            "label": o.label,
            "essential_skills": list(o.essential_skills),
            "optional_skills": list(o.optional_skills),
        }
        for o in taxonomy.occupations.values()
    ]
    for start in range(0, len(skills), batch):
        await session.execute(sa.insert(taxonomy_skills), skills[start : start + batch])
    for start in range(0, len(occupations), batch):
        await session.execute(sa.insert(taxonomy_occupations), occupations[start : start + batch])
    await session.execute(
        sa.insert(taxonomy_imports).values(source=taxonomy.source, skills=len(skills), occupations=len(occupations))
    )


async def stored_taxonomy_size(session: AsyncSession) -> tuple[int, int]:
    skills = (await session.execute(sa.select(sa.func.count()).select_from(taxonomy_skills))).scalar_one()
    occupations = (await session.execute(sa.select(sa.func.count()).select_from(taxonomy_occupations))).scalar_one()
    return int(skills), int(occupations)
