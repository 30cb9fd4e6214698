"""/v1/simulations — Monte Carlo of a cohort: net gain, payments, break-even and the Social Impact Bond view."""

from __future__ import annotations

import asyncio
import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Response

from outcomes.api.charts import render_flows_chart
from outcomes.api.deps import OutcomesReader, SessionDep, SettingsDep, located
from outcomes.api.downloads import csv_attachment
from outcomes.schemas.simulations import SimulationCreate, SimulationRead
from outcomes.usecases import simulations
from servicekit.idempotency import idempotent
from servicekit.openapi import ERRORS, file_answer
from servicekit.routing import JsonRoute

router = APIRouter(route_class=JsonRoute, prefix="/v1/simulations", tags=["simulations"])


@router.post("", status_code=201, response_model=SimulationRead, responses=ERRORS)
@idempotent
async def create_simulation(
    body: SimulationCreate,
    session: SessionDep,
    principal: OutcomesReader,
    settings: SettingsDep,
    response: Response,
) -> SimulationRead:
    """Run a seeded Monte Carlo of a cohort (runs off the event loop) and keep the result."""
    simulation = await simulations.create_simulation(
        session,
        municipality=principal.tenant,
        body=body,
        default_rate_card_id=settings.default_rate_cards.get(principal.tenant[:2], "DK-2025"),
        max_citizens=settings.simulation_max_citizens,
        max_runs=settings.simulation_max_runs,
    )
    return located(response, simulation, location="/v1/simulations")


FLOW_COLUMNS = ["month", "flow", "payer", "payee", "basis", "mean", "p5", "p50", "p95"]


def flows_csv(simulation: SimulationRead) -> Response:
    """Per month, flow and basis (nominal or discounted): mean and percentiles in øre."""
    rows = [
        [month, name, flow["payer"], flow["payee"], basis, *values]
        for name, flow in sorted((simulation.result.get("flows") or {}).items())
        for basis in ("nominal", "discounted")
        for month, values in enumerate(
            zip(flow[basis]["mean"], flow[basis]["p5"], flow[basis]["p50"], flow[basis]["p95"], strict=True)
        )
    ]
    return csv_attachment(FLOW_COLUMNS, rows, filename=f"simulation-{simulation.id}-flows.csv")


async def stored_simulation(simulation_id: uuid.UUID, session: SessionDep, principal: OutcomesReader) -> SimulationRead:
    """The simulation the path names (another municipality's: 404), for each way of reading it."""
    return await simulations.get_simulation(session, simulation_id)


StoredSimulation = Annotated[SimulationRead, Depends(stored_simulation)]


@router.get(
    "/{simulation_id}/flows.csv",
    response_class=Response,
    responses={**ERRORS, 200: file_answer("text/csv", description="Flows per month, payer and payee")},
)
async def get_simulation_flows_csv(simulation: StoredSimulation) -> Response:
    """The simulated payment flows per month and payer -> payee as CSV (øre; nominal and discounted)."""
    return flows_csv(simulation)


@router.get(
    "/{simulation_id}/flows.svg",
    response_class=Response,
    responses={**ERRORS, 200: file_answer("image/svg+xml", description="Flows stacked by payee")},
)
async def get_simulation_flows_chart(simulation: StoredSimulation) -> Response:
    """Flows stacked by payer -> payee per month, and the cumulative net with its 5-95 % band (SVG)."""
    currency = "SEK" if str(simulation.request.get("rate_card_id", "")).startswith("SE") else "DKK"
    image = await asyncio.to_thread(render_flows_chart, simulation.result, currency)
    return Response(image, media_type="image/svg+xml")


@router.get("/{simulation_id}", response_model=SimulationRead, responses=ERRORS)
async def get_simulation(simulation: StoredSimulation) -> SimulationRead:
    """Read a simulation and its result."""
    return simulation
