"""/v1/evaluations — was the programme an economic gain for the municipality? Numbers and a chart."""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import asdict
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Response, params

from outcomes.api.charts import render_chart
from outcomes.api.deps import ReportsReader, SessionDep, SettingsDep
from outcomes.api.downloads import csv_attachment
from outcomes.domain.evaluation import Totals
from outcomes.domain.forward import DEFAULT_HORIZON_MONTHS, Forward
from outcomes.domain.placement_kinds import ATTRIBUTION_KEYS
from outcomes.schemas.evaluations import (
    CitizenMatchRead,
    ComparisonRead,
    EvaluationCitizensRead,
    EvaluationRead,
    ForwardRead,
    KindRead,
    MonthRead,
    RungsRead,
    SliceRead,
    UncertaintyRead,
)
from outcomes.usecases import evaluations
from outcomes.usecases.evaluations import EvaluationRequest, Scope, ScopedEvaluation
from servicekit.access_outbox import ActorDep
from servicekit.municipalities import COUNTRY_PATTERN, MUNICIPALITY_CODE_PATTERN
from servicekit.openapi import ERRORS, file_answer
from servicekit.routing import JsonRoute
from servicekit.strict import FIRST_OF_MONTH

router = APIRouter(route_class=JsonRoute, prefix="/v1/evaluations", tags=["evaluations"])


def _slice(totals: Totals) -> SliceRead:
    return SliceRead.model_validate(totals, from_attributes=True)


def _scope_of(scope: Scope) -> dict[str, Any]:
    return {
        "municipality": scope.municipality,
        "partnership_id": scope.partnership_id,
        "from": scope.period_from,
        "to": scope.period_to,
        "country": scope.country,
    }


def _forward(outlook: Forward) -> ForwardRead:
    """The forward view as answered: its two bands stand under the names of the figures they spread."""
    figures = asdict(outlook)
    return ForwardRead.model_validate(
        {
            **figures,
            "fundable_cost_per_citizen": figures["fundable_cost_band"],
            "net_municipal_saving": figures["net_municipal_saving_band"],
        }
    )


def read(evaluated: ScopedEvaluation) -> EvaluationRead:
    result, scope, net = evaluated.result, evaluated.scope, evaluated.net
    assert net is not None
    totals = _slice(result.totals)
    outlook = net.forward
    return EvaluationRead(
        scope=_scope_of(scope),
        currency=evaluated.card.currency,
        rate_card_id=evaluated.card.id,
        **totals.model_dump(exclude={"citizens"}),
        net_gain_present_value=result.net_gain_present_value,
        break_even_month=str(result.break_even_month) if result.break_even_month else None,
        economic_gain=result.economic_gain,
        uncertainty=(
            UncertaintyRead(
                method=f"bootstrap over citizens ({band.resamples:,} seeded resamples)",
                net_gain_p5=band.p5,
                net_gain_p50=band.p50,
                net_gain_p95=band.p95,
                probability_economic_gain=band.probability_economic_gain,
            )
            if (band := result.uncertainty) is not None
            else None
        ),
        by_month=[
            MonthRead.model_validate({**asdict(net_row), **asdict(row), "month": str(row.month)})
            for row, net_row in zip(result.by_month, net.by_month, strict=True)
        ],
        by_target_group={group: _slice(value) for group, value in sorted(result.by_target_group.items())},
        by_partnership={key: _slice(value) for key, value in sorted(result.by_partnership.items())},
        net_saving=net.net_saving,
        net_municipal_saving=net.net_municipal_saving,
        unmatched_gross_saving=net.unmatched_gross_saving,
        unmatched_municipal_saving=net.unmatched_municipal_saving,
        comparison=ComparisonRead(matched=net.matched, unmatched=net.unmatched, by_rung=RungsRead(**net.by_rung)),
        forward=_forward(outlook),
        savings_by_payer=evaluated.savings_by_payer,
        costs_by_payer=net.costs_by_payer,
        rate_card_ids=net.rate_card_ids,
        by_placement_kind={kind: KindRead(**asdict(figures)) for kind, figures in net.by_placement_kind.items()},
    )


Municipality = Annotated[str | None, Query(pattern=MUNICIPALITY_CODE_PATTERN)]


def _month_bound(alias: str, description: str) -> params.Query:
    """A bound of the period: a date, published with the first-of-month pattern it must match."""
    return params.Query(alias=alias, description=description, json_schema_extra={"pattern": FIRST_OF_MONTH})


From = Annotated[date | None, _month_bound("from", "First day of a month (default: 36 months before `to`)")]
To = Annotated[date | None, _month_bound("to", "First day of a month, exclusive, after `from` (default: next month)")]
Country = Annotated[
    str | None, Query(pattern=COUNTRY_PATTERN, description="National evaluations: which country's citizens")
]


async def evaluation_request(
    municipality: Municipality = None,
    partnership_id: Annotated[uuid.UUID | None, Query()] = None,
    period_from: From = None,
    period_to: To = None,
    country: Country = None,
) -> EvaluationRequest:
    return EvaluationRequest(municipality, partnership_id, period_from, period_to, country)


EvaluationQuery = Annotated[EvaluationRequest, Depends(evaluation_request)]
Horizon = Annotated[int, Query(ge=1, le=240, description="Months the forward view looks ahead (§8)")]


async def evaluated_scope(
    session: SessionDep, principal: ReportsReader, settings: SettingsDep, query: EvaluationQuery
) -> ScopedEvaluation:
    """The evaluation the request asks for, over the default forward horizon."""
    return await evaluations.evaluate_scope(
        session, principal, query, default_rate_cards=settings.default_rate_cards, today=date.today()
    )


Evaluated = Annotated[ScopedEvaluation, Depends(evaluated_scope)]


@router.get("", response_model=EvaluationRead, responses=ERRORS)
async def get_evaluation(
    session: SessionDep,
    principal: ReportsReader,
    settings: SettingsDep,
    query: EvaluationQuery,
    horizon_months: Horizon = DEFAULT_HORIZON_MONTHS,
) -> EvaluationRead:
    """Verified savings (gross, municipal, state), what the programme caused (net of a comparison group),
    costs by payer, payments, net gain, ROI, break-even and whether the savings can finance it going forward."""
    evaluated = await evaluations.evaluate_scope(
        session,
        principal,
        query,
        default_rate_cards=settings.default_rate_cards,
        today=date.today(),
        horizon=horizon_months,
    )
    return read(evaluated)


@router.get("/citizens", response_model=EvaluationCitizensRead, responses=ERRORS)
async def get_evaluation_citizens(evaluated: Evaluated, session: SessionDep, actor: ActorDep) -> EvaluationCitizensRead:
    """Per enrolled citizen: the comparison rung used, the number of comparisons, gross and net savings."""
    assert evaluated.net is not None
    await evaluations.record_citizen_reads(session, [item.citizen_id for item in evaluated.net.citizens], actor)
    return EvaluationCitizensRead(
        scope=_scope_of(evaluated.scope),
        currency=evaluated.card.currency,
        items=[CitizenMatchRead(**asdict(item)) for item in evaluated.net.citizens],
    )


CSV_COLUMNS = (
    "month",
    "gross_saving",
    "municipal_saving",
    "counterfactual_saving",
    "counterfactual_municipal_saving",
    "net_saving",
    "net_municipal_saving",
    "cumulative_net_municipal_saving",
    "cumulative_net_municipal_saving_p5",
    "cumulative_net_municipal_saving_p95",
    "programme_costs",
    "outcome_payments",
    "cumulative_costs_and_payments",
    *(f"{line}_{kind}" for kind in ATTRIBUTION_KEYS for line in ("gross_saving", "net_municipal_saving")),
)


@router.get(
    "/months.csv", response_class=Response, responses={**ERRORS, 200: file_answer("text/csv", description="CSV")}
)
async def get_evaluation_csv(evaluated: Evaluated) -> Response:
    """The evaluation month by month as CSV (øre): gross, counterfactual and net, cumulative net with its
    5-95 % band, against the municipality's costs and payments; then gross and net municipal saving per
    placement kind (attributed by the kind of each citizen's first placement; not_placed last)."""
    net = evaluated.net
    assert net is not None
    rows: list[list[object]] = []
    cumulative = spent = 0
    low, high = net.cumulative_band or ([], [])
    for index, (row, net_row) in enumerate(zip(evaluated.result.by_month, net.by_month, strict=True)):
        cumulative += net_row.net_municipal_saving
        spent += row.programme_costs + row.outcome_payments
        rows.append(
            [
                str(row.month),
                row.gross_saving,
                row.municipal_saving,
                net_row.counterfactual_saving,
                net_row.counterfactual_municipal_saving,
                net_row.net_saving,
                net_row.net_municipal_saving,
                cumulative,
                low[index] if low else "",
                high[index] if high else "",
                row.programme_costs,
                row.outcome_payments,
                spent,
                *(
                    value
                    for kind in ATTRIBUTION_KEYS
                    for value in (
                        net_row.by_placement_kind[kind].gross_saving,
                        net_row.by_placement_kind[kind].net_municipal_saving,
                    )
                ),
            ]
        )
    return csv_attachment(CSV_COLUMNS, rows, filename="evaluation.csv")


async def _chart(evaluated: ScopedEvaluation, extension: str) -> bytes:
    return await asyncio.to_thread(render_chart, evaluated.result, extension, evaluated.card.currency, evaluated.net)


# Two operations, one media type each: a generated client returns the right file for either.
@router.get(
    "/chart.svg", response_class=Response, responses={**ERRORS, 200: file_answer("image/svg+xml", description="SVG")}
)
async def get_evaluation_chart_svg(evaluated: Evaluated) -> Response:
    """Cumulative net municipal savings (5-95 % band) against costs and payments, gross faint behind, as SVG."""
    return Response(await _chart(evaluated, "svg"), media_type="image/svg+xml")


@router.get(
    "/chart.png", response_class=Response, responses={**ERRORS, 200: file_answer("image/png", description="PNG")}
)
async def get_evaluation_chart_png(evaluated: Evaluated) -> Response:
    """The same chart as PNG."""
    return Response(await _chart(evaluated, "png"), media_type="image/png")
