"""Every SQL statement of the matching service. Tenant scoping comes from row-level security
(the session's `app.tenant`); the feed consumer writes with tenant '*'."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import Insert, insert
from sqlalchemy.ext.asyncio import AsyncSession

from matching.domain.profiles import CitizenProfile, Location, OpeningProfile
from matching.models import (
    catalogue_versions,
    citizen_features,
    enrolment_features,
    feed_cursors,
    opening_features,
    partnership_features,
    scoring_models,
    taxonomy_imports,
    taxonomy_occupations,
    taxonomy_skills,
)
from servicekit.bulk import insert_from_json, rows_parameter
from taxonomy import Taxonomy

REGISTRY_FEED = "registry"
ACCELERATOR = "company_accelerator"
CITIZEN_COURSE = "citizen_course"


# --- feed cursor -------------------------------------------------------------------------------


async def read_cursor(session: AsyncSession, feed: str = REGISTRY_FEED, *, lock: bool = False) -> sa.Row[Any] | None:
    query = sa.select(feed_cursors).where(feed_cursors.c.feed == feed)
    if lock:
        query = query.with_for_update()
    return (await session.execute(query)).first()


async def save_cursor(
    session: AsyncSession, *, position: str, applied_seq: int, head: int, feed: str = REGISTRY_FEED
) -> None:
    values = {"feed": feed, "position": position, "applied_seq": applied_seq, "head": head, "updated_at": sa.func.now()}
    statement = insert(feed_cursors).values(values)
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=[feed_cursors.c.feed], set_={k: statement.excluded[k] for k in values}
        )
    )


async def ensure_cursor(session: AsyncSession, feed: str = REGISTRY_FEED) -> None:
    await session.execute(insert(feed_cursors).values(feed=feed, position="").on_conflict_do_nothing())


# --- feature store writes (idempotent: a row only moves forward in feed order) ---------------------


async def upsert_features(session: AsyncSession, table: sa.Table, rows: list[dict[str, Any]]) -> None:
    """One statement for many rows (distinct ids); a row never goes back to an older feed position."""
    if not rows:
        return
    await session.execute(_feature_upsert(table, tuple(rows[0])), rows_parameter(rows))


@cache
def _feature_upsert(table: sa.Table, names: tuple[str, ...]) -> Insert:
    statement = insert_from_json(table, names)
    update = {name: statement.excluded[name] for name in names if name != "id"}
    return statement.on_conflict_do_update(
        index_elements=[table.c.id], set_=update, where=table.c.seq < statement.excluded.seq
    )


async def delete_features(session: AsyncSession, table: sa.Table, entity_id: uuid.UUID) -> None:
    await session.execute(sa.delete(table).where(table.c.id == entity_id))


async def erase_citizen(session: AsyncSession, citizen_id: uuid.UUID) -> None:
    """Erasure (GDPR art. 17) reached us: drop every feature we hold about the citizen."""
    await session.execute(sa.delete(citizen_features).where(citizen_features.c.id == citizen_id))
    await session.execute(sa.delete(enrolment_features).where(enrolment_features.c.citizen_id == citizen_id))


async def bump_catalogue_versions(session: AsyncSession, versions: dict[str, int]) -> None:
    """Record the feed position of the latest change to each municipality's opening catalogue."""
    if not versions:
        return
    statement = insert(catalogue_versions).values(
        [{"municipality": municipality, "seq": seq} for municipality, seq in sorted(versions.items())]
    )
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=[catalogue_versions.c.municipality],
            set_={"seq": sa.func.greatest(catalogue_versions.c.seq, statement.excluded.seq)},
        )
    )


async def catalogue_version(session: AsyncSession, municipality: str) -> int:
    """The version of the municipality's opening catalogue (0 before any opening arrived)."""
    query = sa.select(catalogue_versions.c.seq).where(catalogue_versions.c.municipality == municipality)
    return int((await session.execute(query)).scalar_one_or_none() or 0)


# --- feature store reads -------------------------------------------------------------------------


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
    session: AsyncSession, municipality: str, *, organisation_ids: Sequence[uuid.UUID] | None = None
) -> list[OpeningProfile]:
    query = _openings_query().where(
        opening_features.c.municipality == municipality, opening_features.c.status == "open"
    )
    if organisation_ids is not None:
        query = query.where(opening_features.c.organisation_id.in_(organisation_ids))
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


async def get_partnership(session: AsyncSession, partnership_id: uuid.UUID) -> sa.Row[Any] | None:
    query = sa.select(partnership_features).where(partnership_features.c.id == partnership_id)
    return (await session.execute(query)).first()


async def municipality_known(session: AsyncSession, municipality: str) -> bool:
    """True when the feature store holds anything of the municipality (visible to this tenant)."""
    found = sa.union_all(
        sa.select(sa.literal(1)).where(citizen_features.c.municipality == municipality).limit(1),
        sa.select(sa.literal(1)).where(opening_features.c.municipality == municipality).limit(1),
    )
    return (await session.execute(sa.select(sa.func.count()).select_from(found.subquery()))).scalar_one() > 0


# --- taxonomy --------------------------------------------------------------------------------------


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


# --- scoring models ------------------------------------------------------------------------------


async def insert_model(
    session: AsyncSession, *, kind: str, metrics: dict[str, Any], outcomes_used: int, sklearn_version: str, blob: bytes
) -> sa.Row[Any]:
    await session.execute(sa.text("select pg_advisory_xact_lock(hashtext('matching.scoring_models'))"))
    version = (
        await session.execute(sa.select(sa.func.coalesce(sa.func.max(scoring_models.c.version), 0) + 1))
    ).scalar_one()
    values = {
        "id": uuid.uuid4(),
        "version": version,
        "kind": kind,
        "metrics": metrics,
        "outcomes_used": outcomes_used,
        "sklearn_version": sklearn_version,
        "blob": blob,
    }
    row = (await session.execute(sa.insert(scoring_models).values(values).returning(*_model_columns()))).one()
    return row


def _model_columns() -> list[sa.Column[Any]]:
    return [c for c in scoring_models.c if c.name != "blob"]


async def list_models(session: AsyncSession) -> list[sa.Row[Any]]:
    query = sa.select(*_model_columns()).order_by(scoring_models.c.version.desc())
    return list((await session.execute(query)).all())


async def get_model(session: AsyncSession, model_id: uuid.UUID) -> sa.Row[Any] | None:
    query = sa.select(*_model_columns()).where(scoring_models.c.id == model_id)
    return (await session.execute(query)).first()


async def activate_model(session: AsyncSession, model_id: uuid.UUID) -> sa.Row[Any]:
    await session.execute(sa.update(scoring_models).where(scoring_models.c.active).values(active=False))
    query = (
        sa.update(scoring_models)
        .where(scoring_models.c.id == model_id)
        .values(active=True, activated_at=sa.func.now())
        .returning(*_model_columns())
    )
    return (await session.execute(query)).one()


async def active_model_id(session: AsyncSession) -> uuid.UUID | None:
    query = sa.select(scoring_models.c.id).where(scoring_models.c.active)
    value = (await session.execute(query)).scalar_one_or_none()
    return value if value is None else uuid.UUID(str(value))


async def model_blob(session: AsyncSession, model_id: uuid.UUID) -> bytes:
    query = sa.select(scoring_models.c.blob).where(scoring_models.c.id == model_id)
    return bytes((await session.execute(query)).scalar_one())


async def citizens_by_id(session: AsyncSession, ids: Sequence[uuid.UUID]) -> dict[str, CitizenProfile]:
    rows = (await session.execute(sa.select(citizen_features).where(citizen_features.c.id.in_(ids)))).all()
    return {str(row.id): citizen_profile(row) for row in rows}


async def openings_by_id(session: AsyncSession, ids: Sequence[uuid.UUID]) -> dict[str, OpeningProfile]:
    rows = (await session.execute(_openings_query().where(opening_features.c.id.in_(ids)))).all()
    return {str(row.id): opening_profile(row) for row in rows}
