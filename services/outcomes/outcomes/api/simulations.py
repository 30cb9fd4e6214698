"""/v1/simulations — Monte Carlo of a cohort: net gain, payments, break-even and the Social Impact Bond view."""

from __future__ import annotations

import asyncio
import dataclasses
import math
import uuid
from typing import Any

from fastapi import APIRouter, Response

from outcomes import repository as repo
from outcomes.accounting import rate_card, require_found
from outcomes.api.deps import ERRORS, IdempotencyDep, OutcomesReader, SessionDep, SettingsDep
from outcomes.domain.simulation import GroupAssumptions, SimulationInput, SimulationResult, simulate
from outcomes.schemas import SimulationCreate, SimulationRead
from servicekit.errors import FieldError, ValidationFailed
from servicekit.routing import JsonRoute

router = APIRouter(route_class=JsonRoute, prefix="/v1/simulations", tags=["simulations"])


def _finite(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {key: _finite(item) for key, item in value.items()}
    return value


def result_json(result: SimulationResult) -> dict[str, Any]:
    """Distributions as plain JSON; NaN (e.g. no break-even in any run) becomes null."""
    return {key: _finite(value) for key, value in dataclasses.asdict(result).items()}


def read(row: Any) -> SimulationRead:
    return SimulationRead(
        id=row.id, municipality=row.municipality, request=row.request, result=row.result, created_at=row.created_at
    )


@router.post("", status_code=201, response_model=SimulationRead, responses=ERRORS)
async def create_simulation(
    body: SimulationCreate,
    session: SessionDep,
    principal: OutcomesReader,
    settings: SettingsDep,
    idem: IdempotencyDep,
    response: Response,
) -> Any:
    """Run a seeded Monte Carlo of a cohort (runs off the event loop) and keep the result."""
    if replay := await idem.replay():
        return replay
    municipality = principal.tenant
    cohort = sum(group.citizens for group in body.groups)
    if cohort > settings.simulation_max_citizens:
        raise ValidationFailed(
            "The cohort is too large.",
            errors=[FieldError("groups", f"at most {settings.simulation_max_citizens} citizens in all", "too_large")],
        )
    if body.runs * cohort > settings.simulation_max_runs * 1000:
        raise ValidationFailed(
            "Too many runs for this cohort.",
            errors=[FieldError("runs", "runs x citizens must stay <= 20,000,000", "too_large")],
        )
    card = await rate_card(session, body.rate_card_id or settings.default_rate_cards.get(municipality[:2], "DK-2025"))
    spec = SimulationInput(
        groups=[GroupAssumptions(**group.model_dump()) for group in body.groups],
        refusion_bands=[(band.first_week, float(band.share_percent)) for band in card.staircase.bands],
        cost_per_citizen=body.cost_per_citizen
        if body.cost_per_citizen is not None
        else card.unit_costs.get("citizen_course_per_citizen", 0),
        cost_per_company=body.cost_per_company
        if body.cost_per_company is not None
        else card.unit_costs.get("company_accelerator_per_company", 0),
        companies=body.companies,
        tariffs=body.tariffs,
        premium_percent=body.premium_percent,
        savings_share_percent=body.savings_share_percent,
        cap_per_citizen=body.cap_per_citizen,
        cap_total=body.cap_total,
        min_hours=body.min_hours,
        horizon_months=body.horizon_months,
        programme_months=body.programme_months,
        investor_funded=body.investor_funded,
        deadweight=body.deadweight,
        runs=body.runs,
        seed=body.seed,
    )
    result = await asyncio.to_thread(simulate, spec)  # CPU work off the event loop
    request = {**body.model_dump(mode="json"), "rate_card_id": card.id}
    row = await repo.insert_simulation(
        session, {"id": uuid.uuid4(), "municipality": municipality, "request": request, "result": result_json(result)}
    )
    response.headers["Location"] = f"/v1/simulations/{row.id}"
    return await idem.remember(201, read(row))


@router.get("/{simulation_id}", response_model=SimulationRead, responses=ERRORS)
async def get_simulation(simulation_id: uuid.UUID, session: SessionDep, principal: OutcomesReader) -> Any:
    """Read a simulation and its result."""
    return read(require_found(await repo.get_simulation(session, simulation_id), "Simulation"))
