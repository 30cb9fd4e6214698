"""Evaluations: was the programme an economic gain for the municipality?"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel


class MonthRead(BaseModel):
    month: str
    gross_saving: int
    municipal_saving: int
    state_saving: int
    programme_costs: int
    outcome_payments: int


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
