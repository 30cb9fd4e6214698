"""Simulations: a seeded Monte Carlo of a cohort, run off the event loop and kept."""

from __future__ import annotations

import asyncio
import dataclasses
import math
import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from outcomes.domain.cohort import observed_groups, observed_hire_share
from outcomes.domain.errors import require_found
from outcomes.domain.ratecard import RateCard
from outcomes.domain.simulation import GroupAssumptions, SimulationInput, SimulationResult, require_feasible, simulate
from outcomes.schemas.simulations import SimulationCreate, SimulationRead
from outcomes.store import contracts, projection
from outcomes.store import simulations as store
from outcomes.usecases.facts import facts_by_citizen
from outcomes.usecases.rate_cards import rate_card
from servicekit.domain_errors import InvalidField


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
    assumed = [GroupAssumptions(**group.model_dump()) for group in body.groups]
    company: dict[str, Any] = {}
    if body.partnership_id is not None:
        basis = await partnership_basis(session, body.partnership_id, assumed, hire_share=body.company_hire_share)
        body = body.model_copy(update=basis.terms)
        card = basis.card
        groups = basis.groups
        company = basis.company
    else:
        card = await rate_card(session, body.rate_card_id or default_rate_card_id)
        groups = assumed
    require_feasible(
        cohort=sum(group.citizens for group in groups), runs=body.runs, max_citizens=max_citizens, max_runs=max_runs
    )
    spec = SimulationInput(
        groups=groups,
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
        **company,
    )
    result = await asyncio.to_thread(simulate, spec)
    request = {**body.model_dump(mode="json"), "rate_card_id": card.id}
    if body.partnership_id is not None:  # what was observed, so the run can be read and repeated
        request["cohort"] = [dataclasses.asdict(group) for group in groups]
        request["company_contract"] = company or None
    row = await store.insert_simulation(
        session, {"id": uuid.uuid4(), "municipality": municipality, "request": request, "result": result_json(result)}
    )
    return store.simulation_read(row)


@dataclass(frozen=True)
class PartnershipBasis:
    groups: list[GroupAssumptions]
    terms: dict[str, Any]
    card: RateCard
    company: dict[str, Any]  # SimulationInput's company_* terms, empty without a company-side contract


async def partnership_basis(
    session: AsyncSession, partnership_id: uuid.UUID, assumed: list[GroupAssumptions], *, hire_share: float | None
) -> PartnershipBasis:
    """The partnership's contract terms (citizen course; company side if any) and its observed cohort."""
    partnership = require_found(await projection.get_partnership(session, partnership_id), "Partnership")
    rows = await contracts.contracts_for(session, municipality=None, partnership_id=partnership_id)
    course = sorted((row for row in rows if row.side == "citizen_course"), key=lambda row: row.created_at)
    if not course:
        raise InvalidField(
            "partnership_id", "the partnership has no citizen-course contract to simulate", code="no_contract"
        )
    contract = course[-1]
    terms = contracts.contract_terms(contract)
    card = await rate_card(session, contract.rate_card_id)
    facts = await facts_by_citizen(
        session, await projection.enrolled_citizens(session, municipality=None, partnership_id=partnership_id)
    )
    if not facts:
        raise InvalidField("partnership_id", "the partnership has no enrolled citizens yet", code="no_cohort")
    groups = observed_groups(
        facts,
        {group.target_group: group for group in assumed},
        exit_rates={name: float(rate) for name, rate in card.exit_rates.items()},
    )
    company: dict[str, Any] = {}
    company_side = sorted((row for row in rows if row.side == "company_accelerator"), key=lambda row: row.created_at)
    if company_side:
        company_terms = contracts.contract_terms(company_side[-1])
        observed = observed_hire_share(facts, str(partnership.company_id)) if partnership.company_id else None
        company = {
            "company_tariffs": dict(company_terms.tariffs),
            "company_hire_share": hire_share if hire_share is not None else (observed or 0.0),
            "company_cap_per_citizen": company_terms.cap_per_citizen,
            "company_cap_total": company_terms.cap_total,
        }
    return PartnershipBasis(
        company=company,
        groups=groups,
        terms={
            "tariffs": dict(terms.tariffs),
            "premium_percent": {group: float(value) for group, value in terms.premium_percent.items()},
            "savings_share_percent": float(terms.savings_share_percent or 0),
            "cap_per_citizen": terms.cap_per_citizen,
            "cap_total": terms.cap_total,
            "min_hours": terms.rules.min_hours,
            "deadweight": terms.deadweight,
            "rate_card_id": card.id,
        },
        card=card,
    )


async def get_simulation(session: AsyncSession, simulation_id: uuid.UUID) -> SimulationRead:
    return store.simulation_read(require_found(await store.get_simulation(session, simulation_id), "Simulation"))
