"""/v1/assignments — who should go where, given the seats a municipality or partnership has."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import numpy as np
from fastapi import APIRouter

from matching import repository as repo
from matching.api.common import ERRORS, model_ref
from matching.api.deps import EngineDep, IdempotencyDep, Runner, SessionDep
from matching.domain.assignment import Assignment, assign
from matching.domain.batch import eligible_edges
from matching.domain.profiles import CitizenProfile, OpeningProfile
from matching.domain.ranking import ScoringModel
from matching.domain.skill_space import SkillSpace
from matching.schemas import AssignedSeat, AssignmentRead, AssignmentRequest, Unassigned
from servicekit.errors import NotFound
from servicekit.routing import JsonRoute

router = APIRouter(route_class=JsonRoute, prefix="/v1/assignments", tags=["assignments"])


def solve(
    space: SkillSpace, model: ScoringModel, citizens: list[CitizenProfile], openings: list[OpeningProfile]
) -> Assignment:
    edges = eligible_edges(space, model, citizens, openings)
    seats = np.array([o.seats for o in openings], dtype=np.int64)
    return assign(len(citizens), seats, edges.citizen, edges.opening, edges.score)


@router.post("", status_code=200, response_model=AssignmentRead, responses=ERRORS)
async def create_assignment(
    body: AssignmentRequest, session: SessionDep, principal: Runner, engine: EngineDep, idem: IdempotencyDep
) -> Any:
    """Assign consenting citizens to opening seats for the largest total score (each citizen at most one seat)."""
    if replay := await idem.replay():
        return replay
    partnership_id: uuid.UUID | None = body.partnership_id
    organisation_ids: list[uuid.UUID] | None = None
    if partnership_id is not None:
        partnership = await repo.get_partnership(session, partnership_id)
        if partnership is None:
            raise NotFound(f"Partnership {partnership_id} not found.")
        municipality = str(partnership.municipality)
        organisation_ids = [partnership.company_id]
    else:
        municipality = str(body.municipality)
        if not principal.can_see(municipality):
            raise NotFound(f"Municipality {municipality} not found.")
    citizens = await repo.consenting_citizens(session, municipality, partnership_id=partnership_id)
    openings = await repo.open_openings(session, municipality, organisation_ids=organisation_ids)
    model = await engine.model(session)
    result = await asyncio.to_thread(solve, engine.space, model.model, citizens, openings)
    read = AssignmentRead(
        municipality=municipality,
        partnership_id=partnership_id,
        assignments=[
            AssignedSeat(
                citizen_id=uuid.UUID(citizens[e.citizen].id),
                opening_id=uuid.UUID(openings[e.opening].id),
                score=round(e.score, 6),
            )
            for e in sorted(result.pairs, key=lambda e: -e.score)
        ],
        unassigned=[
            Unassigned(citizen_id=uuid.UUID(citizens[c].id), reason=reason)
            for c, reason in sorted(result.unassigned.items())
        ],
        total_score=round(result.total_score, 6),
        seats=int(sum(o.seats for o in openings)),
        model=model_ref(model),
    )
    return await idem.remember(200, read)
