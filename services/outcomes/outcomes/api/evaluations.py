"""/v1/evaluations — was the programme an economic gain for the municipality? Numbers and a chart."""

from __future__ import annotations

import asyncio
import uuid
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response

from outcomes.api.charts import render_chart
from outcomes.api.deps import ERRORS, ReportsReader, SessionDep, SettingsDep
from outcomes.domain.evaluation import Evaluation, Totals
from outcomes.schemas.evaluations import EvaluationRead, MonthRead, SliceRead, UncertaintyRead
from outcomes.usecases import evaluations
from outcomes.usecases.evaluations import EvaluationRequest, Scope
from servicekit.domain_errors import NotFound
from servicekit.routing import JsonRoute

router = APIRouter(route_class=JsonRoute, prefix="/v1/evaluations", tags=["evaluations"])


def _slice(totals: Totals) -> SliceRead:
    return SliceRead(
        citizens=totals.citizens,
        gross_saving=totals.gross_saving,
        municipal_saving=totals.municipal_saving,
        state_saving=totals.state_saving,
        programme_costs=totals.programme_costs,
        costs_carried_by_others=totals.costs_carried_by_others,
        outcome_payments=totals.outcome_payments,
        net_gain=totals.net_gain,
        roi=float(totals.roi) if totals.roi is not None else None,
    )


def read(result: Evaluation, scope: Scope, card_id: str, currency: str) -> EvaluationRead:
    totals = _slice(result.totals)
    return EvaluationRead(
        scope={
            "municipality": scope.municipality,
            "partnership_id": scope.partnership_id,
            "from": scope.period_from,
            "to": scope.period_to,
            "country": scope.country,
        },
        currency=currency,
        rate_card_id=card_id,
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
            MonthRead(
                month=str(row.month),
                gross_saving=row.gross_saving,
                municipal_saving=row.municipal_saving,
                state_saving=row.state_saving,
                programme_costs=row.programme_costs,
                outcome_payments=row.outcome_payments,
            )
            for row in result.by_month
        ],
        by_target_group={group: _slice(value) for group, value in sorted(result.by_target_group.items())},
        by_partnership={key: _slice(value) for key, value in sorted(result.by_partnership.items())},
    )


Municipality = Annotated[str | None, Query(pattern=r"^(DK|SE)-\d{4}$")]
From = Annotated[date | None, Query(alias="from", description="First day of a month (default: 36 months before `to`)")]
To = Annotated[date | None, Query(alias="to", description="First day of a month, exclusive (default: next month)")]
Country = Annotated[
    str | None, Query(pattern="^(DK|SE)$", description="National evaluations: which country's citizens")
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


@router.get("", response_model=EvaluationRead, responses=ERRORS)
async def get_evaluation(
    session: SessionDep, principal: ReportsReader, settings: SettingsDep, query: EvaluationQuery
) -> EvaluationRead:
    """Verified savings (gross, municipal, state), costs, payments, net gain, ROI and break-even."""
    evaluated = await evaluations.evaluate_scope(
        session, principal, query, default_rate_cards=settings.default_rate_cards, today=date.today()
    )
    return read(evaluated.result, evaluated.scope, evaluated.card.id, evaluated.card.currency)


@router.get("/chart.{extension}", responses={**ERRORS, 200: {"content": {"image/svg+xml": {}, "image/png": {}}}})
async def get_evaluation_chart(
    extension: Annotated[str, "svg or png"],
    session: SessionDep,
    principal: ReportsReader,
    settings: SettingsDep,
    query: EvaluationQuery,
) -> Response:
    """Cumulative costs and payments vs cumulative municipal savings per month, break-even marked (SVG or PNG)."""
    if extension not in ("svg", "png"):
        raise NotFound("Charts are chart.svg or chart.png.")
    evaluated = await evaluations.evaluate_scope(
        session, principal, query, default_rate_cards=settings.default_rate_cards, today=date.today()
    )
    image = await asyncio.to_thread(render_chart, evaluated.result, extension, evaluated.card.currency)
    return Response(image, media_type="image/svg+xml" if extension == "svg" else "image/png")
