"""/v1/assignments — who should go where, given the seats a municipality or partnership has."""

from __future__ import annotations

import uuid

from fastapi import APIRouter

from matching.api.deps import ERRORS, EngineDep, Runner, SessionDep
from matching.schemas.assignments import AssignedSeat, AssignmentRead, AssignmentRequest, FairnessRead, Unassigned
from matching.schemas.models import ModelRef
from matching.usecases.assignments import AssignmentRun, assign_seats
from servicekit.domain_errors import NotFound
from servicekit.idempotency import idempotent
from servicekit.routing import JsonRoute

router = APIRouter(route_class=JsonRoute, prefix="/v1/assignments", tags=["assignments"])


def assignment_read(run: AssignmentRun) -> AssignmentRead:
    citizens, openings = run.citizens, run.openings
    return AssignmentRead(
        municipality=run.municipality,
        partnership_id=run.partnership_id,
        assignments=[
            AssignedSeat(
                citizen_id=uuid.UUID(citizens[e.citizen].id),
                opening_id=uuid.UUID(openings[e.opening].id),
                score=round(e.score, 6),
            )
            for e in sorted(run.result.pairs, key=lambda e: -e.score)
        ],
        unassigned=[
            Unassigned(citizen_id=uuid.UUID(citizens[c].id), reason=reason)
            for c, reason in sorted(run.result.unassigned.items())
        ],
        total_score=round(run.result.total_score, 6),
        seats=run.seats,
        model=ModelRef(id=run.model.id, name=run.model.name),
        fairness=None if run.fairness is None else FairnessRead.model_validate(run.fairness, from_attributes=True),
    )


@router.post("", status_code=200, response_model=AssignmentRead, responses=ERRORS)
@idempotent
async def create_assignment(
    body: AssignmentRequest, session: SessionDep, principal: Runner, engine: EngineDep
) -> AssignmentRead:
    """Assign consenting citizens to opening seats for the largest total score (each citizen at most one seat)."""
    if body.municipality is not None and not principal.can_see(body.municipality):
        raise NotFound(f"Municipality {body.municipality} not found.")
    run = await assign_seats(
        session, engine, municipality=body.municipality, partnership_id=body.partnership_id, min_share=body.min_share
    )
    return assignment_read(run)
