"""/v1/programme-costs — what the programme cost, by payer; a correction supersedes a line."""

from __future__ import annotations

import uuid
from functools import partial
from typing import Annotated, Any

from fastapi import APIRouter, Query, Response

from outcomes.api.deps import ListingDep, OutcomesWriter, SessionDep, located
from outcomes.schemas.programme_costs import ProgrammeCostCreate, ProgrammeCostRead
from outcomes.usecases import programme_costs
from servicekit.idempotency import idempotent
from servicekit.openapi import ERRORS
from servicekit.pagination import Page
from servicekit.routing import JsonRoute

router = APIRouter(route_class=JsonRoute, prefix="/v1/programme-costs", tags=["programme-costs"])
WRITE_ERRORS: dict[int | str, dict[str, Any]] = {**ERRORS, 409: {"description": "That line is already corrected"}}


@router.post("", status_code=201, response_model=ProgrammeCostRead, responses=WRITE_ERRORS)
@idempotent
async def create_programme_cost(
    body: ProgrammeCostCreate,
    session: SessionDep,
    principal: OutcomesWriter,
    response: Response,
) -> ProgrammeCostRead:
    """Record a cost line (with `supersedes`: a correction; totals count only the line in force).

    An `Idempotency-Key` makes a retry return the first answer instead of a second line."""
    line = await programme_costs.record_cost(session, principal=principal, body=body)
    return located(response, line, location="/v1/programme-costs")


@router.get("", response_model=Page[ProgrammeCostRead], responses=ERRORS)
async def list_programme_costs(
    listing: ListingDep, partnership_id: Annotated[uuid.UUID | None, Query()] = None
) -> Page[ProgrammeCostRead]:
    """Cost lines in recording order; `in_force` false for a line a correction replaced."""
    return await listing.by_sequence(
        "programme-costs", partial(programme_costs.list_costs, partnership_id=partnership_id)
    )
