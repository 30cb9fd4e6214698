"""Reads of the feature store as domain profiles: citizens, openings, partnerships, and the
version of each municipality's opening catalogue. Tenant scoping comes from row-level security
(the session's `app.tenant`)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from matching.domain.national import APPROXIMATE_REGIONS, CommutingRegions, NationalPopulation
from matching.domain.profiles import CitizenProfile, Location, OpeningProfile, Partnership
from matching.domain.skill_space import SkillSpace

from .tables import (
    catalogue_versions,
    citizen_features,
    enrolment_features,
    opening_features,
    partnership_features,
    scoring_models,
)

ACCELERATOR = "company_accelerator"
CITIZEN_COURSE = "citizen_course"


def _location(row: sa.Row[Any]) -> Location | None:
    return Location(row.lat, row.lon) if row.lat is not None and row.lon is not None else None


def citizen_profile(row: sa.Row[Any]) -> CitizenProfile:
    return CitizenProfile(
        id=str(row.id),
        municipality=row.municipality,
        target_group=row.target_group,
        work_capacity_hours=row.work_capacity_hours,
        skills=frozenset(row.skills),
        essential_support_needs=frozenset(row.essential_support_needs),
        other_support_needs=frozenset(row.other_support_needs),
        interests=frozenset(row.interests),
        location=_location(row),
        consent=row.consent,
    )


def opening_profile(row: sa.Row[Any]) -> OpeningProfile:
    return OpeningProfile(
        id=str(row.id),
        municipality=row.municipality,
        organisation_id=str(row.organisation_id),
        occupation=row.occupation,
        essential_skills=frozenset(row.essential_skills),
        optional_skills=frozenset(row.optional_skills),
        hours_min=row.hours_min,
        hours_max=row.hours_max,
        seats=row.seats,
        support_offered=frozenset(row.support_offered),
        flexjob=row.flexjob,
        location=_location(row),
        accelerator_progress=float(row.accelerator_progress or 0.0),
        status=row.status,
    )


def _accelerator_progress() -> sa.ScalarSelect[Any]:
    """Best share of accelerator milestones reached among the company's enrolments."""
    e = enrolment_features
    return (
        sa.select(sa.func.max(sa.cast(e.c.milestones_reached, sa.Float) / sa.func.nullif(e.c.milestones_total, 0)))
        .where(e.c.organisation_id == opening_features.c.organisation_id, e.c.programme == ACCELERATOR)
        .scalar_subquery()
    )


def _openings_query() -> sa.Select[Any]:
    return sa.select(opening_features, _accelerator_progress().label("accelerator_progress"))


async def catalogue_version(session: AsyncSession, municipality: str) -> int:
    """The version of the municipality's opening catalogue (0 before any opening arrived)."""
    query = sa.select(catalogue_versions.c.seq).where(catalogue_versions.c.municipality == municipality)
    return int((await session.execute(query)).scalar_one_or_none() or 0)


async def citizen_features_row(session: AsyncSession, citizen_id: uuid.UUID) -> sa.Row[Any] | None:
    """The citizen's feature row as stored (the export shows it as is)."""
    return (await session.execute(sa.select(citizen_features).where(citizen_features.c.id == citizen_id))).first()


async def get_citizen(session: AsyncSession, citizen_id: uuid.UUID) -> CitizenProfile | None:
    row = (await session.execute(sa.select(citizen_features).where(citizen_features.c.id == citizen_id))).first()
    return citizen_profile(row) if row else None


@dataclass(frozen=True)
class CitizenToRecommend:
    """A citizen with what a recommendation request needs besides: the active model and the
    version of the municipality's opening catalogue (one round trip instead of three)."""

    citizen: CitizenProfile
    active_model_id: uuid.UUID | None
    catalogue_version: int


async def citizen_to_recommend(session: AsyncSession, citizen_id: uuid.UUID) -> CitizenToRecommend | None:
    active = sa.select(scoring_models.c.id).where(scoring_models.c.active).scalar_subquery()
    version = (
        sa.select(catalogue_versions.c.seq)
        .where(catalogue_versions.c.municipality == citizen_features.c.municipality)
        .scalar_subquery()
    )
    query = sa.select(citizen_features, active.label("active_model_id"), version.label("catalogue_version")).where(
        citizen_features.c.id == citizen_id
    )
    row = (await session.execute(query)).first()
    if row is None:
        return None
    model_id = row.active_model_id
    return CitizenToRecommend(
        citizen=citizen_profile(row),
        active_model_id=None if model_id is None else uuid.UUID(str(model_id)),
        catalogue_version=int(row.catalogue_version or 0),
    )


async def get_opening(session: AsyncSession, opening_id: uuid.UUID) -> OpeningProfile | None:
    row = (await session.execute(_openings_query().where(opening_features.c.id == opening_id))).first()
    return opening_profile(row) if row else None


async def municipalities_with_open_openings(session: AsyncSession) -> list[str]:
    query = sa.select(opening_features.c.municipality).where(opening_features.c.status == "open").distinct()
    return [str(code) for code in (await session.execute(query)).scalars()]


async def open_openings(
    session: AsyncSession, municipality: str, *, organisation_ids: Sequence[str] | None = None
) -> list[OpeningProfile]:
    query = _openings_query().where(
        opening_features.c.municipality == municipality, opening_features.c.status == "open"
    )
    if organisation_ids is not None:
        query = query.where(opening_features.c.organisation_id.in_([uuid.UUID(o) for o in organisation_ids]))
    rows = (await session.execute(query.order_by(opening_features.c.id))).all()
    return [opening_profile(row) for row in rows]


async def consenting_citizens(
    session: AsyncSession, municipality: str, *, partnership_id: uuid.UUID | None = None
) -> list[CitizenProfile]:
    """Citizens who consented to matching (never anyone else), optionally those in a partnership's course."""
    query = sa.select(citizen_features).where(
        citizen_features.c.municipality == municipality, citizen_features.c.consent.is_(True)
    )
    if partnership_id is not None:
        enrolled = sa.select(enrolment_features.c.citizen_id).where(
            enrolment_features.c.partnership_id == partnership_id, enrolment_features.c.programme == CITIZEN_COURSE
        )
        query = query.where(citizen_features.c.id.in_(enrolled))
    rows = (await session.execute(query.order_by(citizen_features.c.id))).all()
    return [citizen_profile(row) for row in rows]


async def get_partnership(session: AsyncSession, partnership_id: uuid.UUID) -> Partnership | None:
    query = sa.select(partnership_features).where(partnership_features.c.id == partnership_id)
    row = (await session.execute(query)).first()
    if row is None:
        return None
    return Partnership(id=str(row.id), municipality=str(row.municipality), company_id=str(row.company_id))


async def citizens_by_id(session: AsyncSession, ids: Sequence[uuid.UUID]) -> dict[str, CitizenProfile]:
    rows = (await session.execute(sa.select(citizen_features).where(citizen_features.c.id.in_(ids)))).all()
    return {str(row.id): citizen_profile(row) for row in rows}


async def openings_by_id(session: AsyncSession, ids: Sequence[uuid.UUID]) -> dict[str, OpeningProfile]:
    rows = (await session.execute(_openings_query().where(opening_features.c.id.in_(ids)))).all()
    return {str(row.id): opening_profile(row) for row in rows}


# Feature rows read from the server-side cursor at a time: the national run turns each batch into
# columns and drops the rows, so memory follows the columns, not 460k profile objects.
NATIONAL_ROWS_PER_FETCH = 5_000


async def national_population(
    session: AsyncSession, space: SkillSpace, regions: CommutingRegions = APPROXIMATE_REGIONS
) -> NationalPopulation:
    """Every consenting citizen and open opening the tenant sees (the whole country for the national
    tenant), gathered by commuting region, citizens as columns."""
    population = NationalPopulation(space, regions)
    citizens = sa.select(citizen_features).where(citizen_features.c.consent.is_(True)).order_by(citizen_features.c.id)
    streamed = await session.stream(citizens.execution_options(yield_per=NATIONAL_ROWS_PER_FETCH))
    async for rows in streamed.partitions():
        population.add_citizens([citizen_profile(row) for row in rows])
    openings = _openings_query().where(opening_features.c.status == "open").order_by(opening_features.c.id)
    population.add_openings(opening_profile(row) for row in (await session.execute(openings)).all())
    return population


async def skill_sets(session: AsyncSession) -> dict[str, list[str]]:
    """Every citizen's and opening's skill codes the tenant sees, keyed `citizen:<id>` / `opening:<id>`
    (for carrying them over to a newer taxonomy version)."""
    found: dict[str, list[str]] = {}
    citizens = sa.select(citizen_features.c.id, citizen_features.c.skills).order_by(citizen_features.c.id)
    for citizen in (await session.execute(citizens)).all():
        found[f"citizen:{citizen.id}"] = list(citizen.skills)
    openings = sa.select(
        opening_features.c.id, opening_features.c.essential_skills, opening_features.c.optional_skills
    ).order_by(opening_features.c.id)
    for opening in (await session.execute(openings)).all():
        found[f"opening:{opening.id}"] = [*opening.essential_skills, *opening.optional_skills]
    return found
