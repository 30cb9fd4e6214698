"""Simulations: a seeded Monte Carlo of a cohort, run off the event loop and kept."""

from __future__ import annotations

import asyncio
import dataclasses
import math
import uuid
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from outcomes.domain.errors import require_found
from outcomes.domain.simulation import GroupAssumptions, SimulationInput, SimulationResult, require_feasible, simulate
from outcomes.schemas.simulations import SimulationCreate, SimulationRead
from outcomes.store import simulations as store
from outcomes.usecases.rate_cards import rate_card


def _finite(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {key: _finite(item) for key, item in value.items()}
    return value


def result_json(result: SimulationResult) -> dict[str, Any]:
    """Distributions as plain JSON; NaN (e.g. no break-even in any run) becomes null."""
    return {key: _finite(value) for key, value in dataclasses.asdict(result).items()}


async def create_simulation(
    session: AsyncSession,
    *,
    municipality: str,
    body: SimulationCreate,
    default_rate_card_id: str,
    max_citizens: int,
    max_runs: int,
) -> SimulationRead:
    """Run a seeded Monte Carlo of a cohort (CPU work off the event loop) and keep the result."""
    require_feasible(
        cohort=sum(group.citizens for group in body.groups),
        runs=body.runs,
        max_citizens=max_citizens,
        max_runs=max_runs,
    )
    card = await rate_card(session, body.rate_card_id or default_rate_card_id)
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
        annual_discount_rate=float(card.discount_rate),
        investor_capital=body.investor_capital,
        investor_target_irr=body.investor_target_irr,
    )
    result = await asyncio.to_thread(simulate, spec)
    request = {**body.model_dump(mode="json"), "rate_card_id": card.id}
    row = await store.insert_simulation(
        session, {"id": uuid.uuid4(), "municipality": municipality, "request": request, "result": result_json(result)}
    )
    return store.simulation_read(row)


async def get_simulation(session: AsyncSession, simulation_id: uuid.UUID) -> SimulationRead:
    return store.simulation_read(require_found(await store.get_simulation(session, simulation_id), "Simulation"))
