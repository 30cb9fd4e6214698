"""Who should go where: the assignment of consenting citizens to a municipality's or a partnership's seats."""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass

import numpy as np
from sqlalchemy.ext.asyncio import AsyncSession

from matching.domain.assignment import Assignment, assign
from matching.domain.batch import eligible_edges
from matching.domain.fairness import AssignmentExposure, assign_fairly, assignment_exposure, minimum_seats
from matching.domain.profiles import CitizenProfile, OpeningProfile
from matching.domain.ranking import ScoringModel
from matching.domain.skill_space import SkillSpace
from matching.store import profiles
from servicekit.domain_errors import NotFound

from .engine import Engine, ModelInUse


@dataclass(frozen=True)
class AssignmentRun:
    municipality: str
    partnership_id: uuid.UUID | None
    citizens: list[CitizenProfile]
    openings: list[OpeningProfile]
    result: Assignment
    model: ModelInUse
    fairness: Fairness | None = None

    @property
    def seats(self) -> int:
        return int(sum(o.seats for o in self.openings))


@dataclass(frozen=True)
class Fairness:
    min_share: dict[str, float]
    minimum_seats: dict[str, int]
    before: AssignmentExposure
    after: AssignmentExposure
    total_score_before: float


def solve(
    space: SkillSpace,
    model: ScoringModel,
    citizens: list[CitizenProfile],
    openings: list[OpeningProfile],
    min_share: dict[str, float] | None = None,
) -> tuple[Assignment, Fairness | None]:
    edges = eligible_edges(space, model, citizens, openings)
    seats = np.array([o.seats for o in openings], dtype=np.int64)
    plain = assign(len(citizens), seats, edges.citizen, edges.opening, edges.score)
    if not min_share:
        return plain, None
    groups = [c.target_group for c in citizens]
    fair = assign_fairly(groups, seats, edges.citizen, edges.opening, edges.score, min_share)
    return fair, Fairness(
        min_share=dict(min_share),
        minimum_seats=minimum_seats(groups, seats, min_share),
        before=assignment_exposure(groups, len(openings), plain),
        after=assignment_exposure(groups, len(openings), fair),
        total_score_before=plain.total_score,
    )


async def assign_seats(
    session: AsyncSession,
    engine: Engine,
    *,
    municipality: str | None,
    partnership_id: uuid.UUID | None,
    min_share: dict[str, float] | None = None,
) -> AssignmentRun:
    """The largest-total-score assignment in the municipality, or among a partnership's course
    citizens and its company's openings (the caller has checked the municipality is the client's)."""
    organisation_ids: list[str] | None = None
    if partnership_id is not None:
        partnership = await profiles.get_partnership(session, partnership_id)
        if partnership is None:
            raise NotFound(f"Partnership {partnership_id} not found.")
        municipality = partnership.municipality
        organisation_ids = [partnership.company_id]
    assert municipality is not None
    citizens = await profiles.consenting_citizens(session, municipality, partnership_id=partnership_id)
    openings = await profiles.open_openings(session, municipality, organisation_ids=organisation_ids)
    model = await engine.model(session)
    result, fairness = await asyncio.to_thread(solve, engine.space, model.model, citizens, openings, min_share)
    return AssignmentRun(municipality, partnership_id, citizens, openings, result, model, fairness)
