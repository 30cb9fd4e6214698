"""Evaluations: was the programme an economic gain for the municipality?"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field


class MonthRead(BaseModel):
    month: str
    gross_saving: int
    municipal_saving: int
    state_saving: int
    programme_costs: int
    outcome_payments: int
    counterfactual_saving: int = Field(description="Σ over matched citizens of the mean of their comparisons' lines")
    counterfactual_municipal_saving: int
    net_saving: int = Field(description="Gross - counterfactual, matched citizens only (ECONOMICS §7)")
    net_municipal_saving: int


class RungsRead(BaseModel):
    exact: int
    without_age: int
    country: int


class ComparisonRead(BaseModel):
    """Enrolled citizens with a comparison group (by rung of the ladder) and without one."""

    matched: int
    unmatched: int
    by_rung: RungsRead


class BandRead(BaseModel):
    """5th, 50th and 95th percentile of the seeded bootstrap over matched citizens."""

    p5: int
    p50: int
    p95: int


class ForwardRead(BaseModel):
    """Can the savings finance the programme going forward (ECONOMICS §8)?"""

    horizon_months: int
    observed_months: int
    carried_months: int
    savings_curve: list[int] = Field(
        description="Mean net municipal saving per matched citizen, month k since enrolment"
    )
    fundable_cost_per_citizen: BandRead | None
    net_municipal_saving: BandRead | None
    probability_net_gain: float | None
    cost_per_citizen: int | None = Field(description="The municipality's own recorded costs and payments per citizen")
    answer: str


class CitizenMatchRead(BaseModel):
    """One enrolled citizen: the rung used (null: unmatched) and the number of comparisons."""

    citizen_id: str
    rung: str | None
    comparisons: int
    gross_saving: int
    municipal_saving: int
    net_saving: int | None
    net_municipal_saving: int | None
    placement_kind: str = Field(description="The kind of the first placement on or after enrolment, or not_placed")


class EvaluationCitizensRead(BaseModel):
    scope: dict[str, Any]
    currency: str
    items: list[CitizenMatchRead]


class KindRead(BaseModel):
    """Results attributed to a placement kind: the kind of each citizen's first placement on or after
    enrolment and before `to` (`not_placed`: none). Net covers the matched citizens only."""

    citizens: int
    matched: int
    gross_saving: int
    municipal_saving: int
    net_saving: int
    net_municipal_saving: int


class SliceRead(BaseModel):
    citizens: int
    gross_saving: int
    municipal_saving: int
    state_saving: int
    programme_costs: int
    costs_carried_by_others: int
    outcome_payments: int
    net_gain: int
    roi: float | None


class UncertaintyRead(BaseModel):
    method: str = "bootstrap over citizens (2,000 seeded resamples)"
    net_gain_p5: int
    net_gain_p50: int
    net_gain_p95: int
    probability_economic_gain: float


class EvaluationRead(BaseModel):
    scope: dict[str, Any]
    currency: str
    rate_card_id: str
    gross_saving: int
    municipal_saving: int
    state_saving: int
    programme_costs: int
    costs_carried_by_others: int
    outcome_payments: int
    net_gain: int
    net_gain_present_value: int
    roi: float | None
    break_even_month: str | None
    economic_gain: bool
    uncertainty: UncertaintyRead | None
    by_month: list[MonthRead]
    by_target_group: dict[str, SliceRead]
    by_partnership: dict[str, SliceRead]
    net_saving: int = Field(description="What the programme caused: gross - counterfactual, matched citizens")
    net_municipal_saving: int
    unmatched_gross_saving: int = Field(description="Gross saving of citizens with no comparison group, not in net")
    unmatched_municipal_saving: int
    comparison: ComparisonRead
    forward: ForwardRead
    savings_by_payer: dict[str, int] = Field(description="DK: kommune, staten; SE: kommun, region, FK, AF")
    costs_by_payer: dict[str, int] = Field(description="Recorded programme cost lines in force, by payer")
    rate_card_ids: list[str] = Field(description="The cards the days of the period were priced with")
    by_placement_kind: dict[str, KindRead] = Field(
        description="Per placement kind (ordinary, flexjob, smaajob, wage_subsidy, internship, education) and "
        "not_placed: citizens attributed by the kind of their first placement, their gross, municipal and net savings"
    )
