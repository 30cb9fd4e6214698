"""/v1/simulations — Monte Carlo of a cohort: net gain, payments, break-even and the Social Impact Bond view."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Response
from fastapi.responses import JSONResponse

from outcomes.api.deps import ERRORS, IdempotencyDep, OutcomesReader, SessionDep, SettingsDep
from outcomes.schemas.simulations import SimulationCreate, SimulationRead
from outcomes.usecases import simulations
from servicekit.routing import JsonRoute

router = APIRouter(route_class=JsonRoute, prefix="/v1/simulations", tags=["simulations"])


@router.post("", status_code=201, response_model=SimulationRead, responses=ERRORS)
async def create_simulation(
    body: SimulationCreate,
    session: SessionDep,
    principal: OutcomesReader,
    settings: SettingsDep,
    idem: IdempotencyDep,
    response: Response,
) -> SimulationRead | JSONResponse:
    """Run a seeded Monte Carlo of a cohort (runs off the event loop) and keep the result."""
    if replay := await idem.replay():
        return replay
    municipality = principal.tenant
    simulation = await simulations.create_simulation(
        session,
        municipality=municipality,
        body=body,
        default_rate_card_id=settings.default_rate_cards.get(municipality[:2], "DK-2025"),
        max_citizens=settings.simulation_max_citizens,
        max_runs=settings.simulation_max_runs,
    )
    response.headers["Location"] = f"/v1/simulations/{simulation.id}"
    return await idem.remember(201, simulation)


@router.get("/{simulation_id}", response_model=SimulationRead, responses=ERRORS)
async def get_simulation(simulation_id: uuid.UUID, session: SessionDep, principal: OutcomesReader) -> SimulationRead:
    """Read a simulation and its result."""
    return await simulations.get_simulation(session, simulation_id)
