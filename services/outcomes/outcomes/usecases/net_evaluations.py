"""The net figures of an evaluation (issue 15): comparison group, costs by payer, savings by payer, forward view.

Loads the enrolled citizens in scope and the country's pool, prices every day with the card valid on it,
and hands the domain what it needs; nothing here decides a rule.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from datetime import date
from fractions import Fraction
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from outcomes.domain.calendar import Month, months_between
from outcomes.domain.card_periods import Pricing, card_pricer, monthly_savings_by_card, period_of, staircases_for
from outcomes.domain.comparison import (
    DEFAULT_MIN_COMPARISONS,
    ComparisonResult,
    EnrolledCitizen,
    PoolColumns,
    build_pool_columns,
    compare,
)
from outcomes.domain.costs import CostLine
from outcomes.domain.entitlements import CitizenFacts
from outcomes.domain.events import effective_events
from outcomes.domain.net_evaluation import NetEvaluation, net_evaluation
from outcomes.domain.payers import (
    DANISH_PAYERS,
    MUNICIPAL_PAYER,
    SWEDISH_PAYERS,
    paths_by_payer,
    payer_map,
    payer_of,
)
from outcomes.domain.placement_kinds import attributed_kind
from outcomes.domain.ratecard import RateCard
from outcomes.domain.savings import BenefitPath, MonthlySavings, PathArrays
from outcomes.store import comparison_pool
from outcomes.store import programme_costs as cost_store
from outcomes.usecases.rate_cards import country_cards


async def pricing(session: AsyncSession, country: str, start: date, end: date, default: RateCard) -> Pricing:
    """Each day with the card valid on it; the default card when the country has no card at all."""
    cards = await country_cards(session, country)
    if not cards:
        return Pricing([(start, end, default.staircase)], [default.id])
    return staircases_for([period_of(card) for card in cards.values()], cards, country, start, end)


def priced_lines(paths: Sequence[Any], months: Sequence[Month], prices: Pricing) -> MonthlySavings:
    """Monthly lines of these benefit paths, each day with its card."""
    return monthly_savings_by_card(PathArrays.from_paths(list(paths)), months, prices.spans)


def municipal_pays(card: RateCard) -> Callable[[str], bool] | None:
    """Sweden: whether the kommun pays a benefit type (the card's payers); None in Denmark (§3 applies)."""
    if card.country != "SE":
        return None
    mapping, default = payer_map(card.document)
    payer = payer_of(mapping, default or MUNICIPAL_PAYER)
    return lambda benefit_type: payer(benefit_type) == MUNICIPAL_PAYER


def _payer_paths(item: CitizenFacts, card: RateCard, exit_rate: Fraction = Fraction(0)) -> dict[str, BenefitPath]:
    mapping, default = payer_map(card.document)
    paths = paths_by_payer(
        enrolled_on=item.enrolled_on,
        since=item.since,
        at_enrolment=item.benefit_at_enrolment,
        events=effective_events(item.events),
        payer=payer_of(mapping, default or MUNICIPAL_PAYER),
        payers=SWEDISH_PAYERS,
    )
    return {name: replace(path, exit_rate=exit_rate) for name, path in paths.items()} if exit_rate else paths


def citizen_lines(
    facts: Sequence[CitizenFacts],
    months: Sequence[Month],
    card: RateCard,
    prices: Pricing,
    *,
    exit_rates: Mapping[str, Fraction] | None = None,
) -> MonthlySavings:
    """Each citizen's monthly lines (rows in the order of `facts`), every day priced with the card valid on it;
    in Sweden the municipal line is the kommun's part. Evaluations and statements both price with this.

    `exit_rates` (target group → monthly rate) switches deadweight on (§2: a contract's option; never in
    an evaluation)."""
    paths = [item.benefit_path(_exit_rate(item, exit_rates)) for item in facts]
    deadweight = exit_rates is not None
    lines = monthly_savings_by_card(PathArrays.from_paths(paths), months, prices.spans, deadweight=deadweight)
    if card.country != "SE" or not facts:
        # Denmark: the municipality pays every benefit; §3 splits it with the state.
        return lines
    # Sweden: the municipal lines are the kommun's part only; the rest of gross is other payers' (in `state`).
    kommun_paths = [_payer_paths(item, card, _exit_rate(item, exit_rates))[MUNICIPAL_PAYER] for item in facts]
    kommun = monthly_savings_by_card(PathArrays.from_paths(kommun_paths), months, prices.spans, deadweight=deadweight)
    return replace(lines, municipal=kommun.municipal, state=lines.gross - kommun.municipal)


def _exit_rate(item: CitizenFacts, exit_rates: Mapping[str, Fraction] | None) -> Fraction:
    return exit_rates.get(item.target_group, Fraction(0)) if exit_rates is not None else Fraction(0)


async def cost_lines(session: AsyncSession, partnership_ids: Sequence[Any]) -> list[CostLine]:
    """Recorded programme cost lines of these partnerships (all of them, superseded ones too)."""
    rows = await cost_store.lines_of(session, partnership_ids=list(partnership_ids))
    return [cost_store.cost_line(row) for row in rows]


async def comparison_for(
    session: AsyncSession,
    *,
    country: str,
    period_to: date,
    months: Sequence[Month],
    projection_rows: Sequence[Any],
    facts: Sequence[CitizenFacts],
    card: RateCard,
    prices: Pricing,
) -> ComparisonResult:
    """§7: the enrolled citizens (facts) matched against the country's pool over `months`."""
    row_of = {str(row.id): row for row in projection_rows}
    enrolled = []
    for item in facts:
        row = row_of[item.citizen_id]
        path = item.benefit_path()
        enrolled.append(
            EnrolledCitizen(
                citizen_id=item.citizen_id,
                country=country,
                municipality=row.municipality,
                target_group=item.target_group,
                birth_year=row.birth_year,
                benefit_type=item.benefit_at_enrolment.type if item.benefit_at_enrolment else None,
                path=path,
                municipal_path=_payer_paths(item, card)[MUNICIPAL_PAYER] if card.country == "SE" else None,
            )
        )
    days = [citizen.path.enrolled_on for citizen in enrolled if citizen.benefit_type is not None]
    if days:
        columns, corrected = await comparison_pool.pool_columns(
            session, country=country, to=period_to, last_day=max(days)
        )
    else:
        columns, corrected = PoolColumns.empty(), []
    pool = build_pool_columns(columns, corrected, period_to)
    minimum = int(_value(card.document.get("min_comparisons", DEFAULT_MIN_COMPARISONS)))
    return compare(
        enrolled, pool, months, card_pricer(prices.spans), min_comparisons=minimum, municipal_pays=municipal_pays(card)
    )


async def net_figures(
    session: AsyncSession,
    *,
    country: str,
    period_from: date,
    period_to: date,
    projection_rows: Sequence[Any],
    facts: Sequence[CitizenFacts],
    lines: Sequence[CostLine],
    outcome_payments: int,
    card: RateCard,
    prices: Pricing,
    horizon: int,
) -> NetEvaluation:
    """§7 against the country's pool and §8 over the evaluated months."""
    months = months_between(period_from, period_to)
    comparison = await comparison_for(
        session,
        country=country,
        period_to=period_to,
        months=months,
        projection_rows=projection_rows,
        facts=facts,
        card=card,
        prices=prices,
    )
    return net_evaluation(
        comparison,
        enrolment_months=[Month.of(item.enrolled_on) for item in facts],
        cost_lines=lines,
        outcome_payments=outcome_payments,
        annual_rate=card.discount_rate,
        rate_card_ids=prices.card_ids,
        horizon=horizon,
        currency="kr." if card.currency in ("DKK", "SEK") else card.currency,
        placement_kinds=[attributed_kind(effective_events(item.events), item.enrolled_on, period_to) for item in facts],
    )


def savings_by_payer(
    facts: Sequence[CitizenFacts],
    months: Sequence[Month],
    card: RateCard,
    lines: MonthlySavings | None,
    prices: Pricing,
) -> dict[str, int]:
    """Denmark: the municipality (kommune) and the state (staten, its refusion). Sweden: the gross saving of
    the part of each history every payer pays (the card's payers), each day priced with its card."""
    if card.country != "SE":
        municipal = int(lines.municipal.sum()) if lines is not None else 0
        state = int(lines.state.sum()) if lines is not None else 0
        return dict(zip(DANISH_PAYERS, (municipal, state), strict=True))
    totals = dict.fromkeys(SWEDISH_PAYERS, 0)
    if not facts or not months:
        return totals
    by_payer: dict[str, list[BenefitPath]] = {name: [] for name in SWEDISH_PAYERS}
    for item in facts:
        for name, path in _payer_paths(item, card).items():
            by_payer[name].append(path)
    for name, payer_paths in by_payer.items():
        totals[name] = int(priced_lines(payer_paths, months, prices).gross.sum())
    return totals


def _value(entry: Any) -> Any:
    return entry["value"] if isinstance(entry, dict) and "value" in entry else entry
