"""/v1/programme-costs — what the programme cost, by payer; a correction supersedes a line."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Query, Response
from fastapi.responses import JSONResponse

from outcomes.api.deps import (
    ERRORS,
    CursorCodecDep,
    IdempotencyDep,
    MunicipalityFilter,
    OutcomesReader,
    OutcomesWriter,
    PageParamsDep,
    SessionDep,
    page_slice,
)
from outcomes.schemas.programme_costs import ProgrammeCostCreate, ProgrammeCostRead
from outcomes.usecases import programme_costs
from servicekit.pagination import Page
from servicekit.routing import JsonRoute

router = APIRouter(route_class=JsonRoute, prefix="/v1/programme-costs", tags=["programme-costs"])
WRITE_ERRORS: dict[int | str, dict[str, Any]] = {**ERRORS, 409: {"description": "That line is already corrected"}}


@router.post("", status_code=201, response_model=ProgrammeCostRead, responses=WRITE_ERRORS)
async def create_programme_cost(
    body: ProgrammeCostCreate,
    session: SessionDep,
    principal: OutcomesWriter,
    idem: IdempotencyDep,
    response: Response,
) -> ProgrammeCostRead | JSONResponse:
    """Record a cost line (with `supersedes`: a correction; totals count only the line in force).

    An `Idempotency-Key` makes a retry return the first answer instead of a second line."""
    if replay := await idem.replay():
        return replay
    line = await programme_costs.record_cost(session, principal=principal, body=body)
    response.headers["Location"] = f"/v1/programme-costs/{line.id}"
    return await idem.remember(201, line)


@router.get("", response_model=Page[ProgrammeCostRead], responses=ERRORS)
async def list_programme_costs(
    session: SessionDep,
    principal: OutcomesReader,
    page: PageParamsDep,
    codec: CursorCodecDep,
    partnership_id: Annotated[uuid.UUID | None, Query()] = None,
    municipality: MunicipalityFilter = None,
) -> Page[ProgrammeCostRead]:
    """Cost lines in recording order; `in_force` false for a line a correction replaced."""
    after = int(codec.decode(page.cursor, kind="programme-costs")["sequence"]) if page.cursor else None
    rows = await programme_costs.list_costs(
        session, municipality=municipality, partnership_id=partnership_id, after_sequence=after, limit=page.limit + 1
    )
    rows, cursor = page_slice(
        rows, limit=page.limit, codec=codec, kind="programme-costs", position=lambda row: {"sequence": row[0]}
    )
    return Page[ProgrammeCostRead](items=[line for _, line in rows], next_cursor=cursor)
