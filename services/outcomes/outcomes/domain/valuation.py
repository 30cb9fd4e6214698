"""Present value, ROI and break-even (ECONOMICS §6)."""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction

from .money import round_ore


def monthly_discount_factor(annual_rate: Fraction) -> float:
    """(1 + r)^(1/12): the monthly factor of an annual discount rate."""
    factor: float = float(1 + annual_rate) ** (1 / 12)
    return factor


def present_value(amounts_by_month: Sequence[int], annual_rate: Fraction) -> int:
    """Σ amount_m / (1 + r)^(m/12), month 0 = the programme's first month, rounded once to øre."""
    factor = monthly_discount_factor(annual_rate)
    total = sum(amount / factor**month for month, amount in enumerate(amounts_by_month))
    return round_ore(Fraction(total).limit_denominator(10**6))


def roi(net_gain: int, costs_and_payments: int) -> Fraction | None:
    """Net gain / (programme costs the municipality bears + outcome payments); None when nothing was spent."""
    if costs_and_payments == 0:
        return None
    return Fraction(net_gain, costs_and_payments)


def break_even_index(savings_by_month: Sequence[int], outlays_by_month: Sequence[int]) -> int | None:
    """First month whose cumulative municipal savings >= cumulative costs and payments (None: never)."""
    saved = spent = 0
    for index, (saving, outlay) in enumerate(zip(savings_by_month, outlays_by_month, strict=True)):
        saved += saving
        spent += outlay
        if saved >= spent and (saved > 0 or spent > 0):
            return index
    return None
