"""Rate cards: benefit rates, refusion staircase, discount rate, exit rates and unit costs, with sources."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from typing import Any

from .money import parse_fraction
from .refusion import RefusionBand, RefusionStaircase


@dataclass(frozen=True)
class RateCard:
    """The parts of a rate card the rules of account use; the full document is kept as data."""

    id: str
    country: str
    year: int
    currency: str
    staircase: RefusionStaircase
    discount_rate: Fraction
    exit_rates: Mapping[str, Fraction]
    unit_costs: Mapping[str, int]
    document: Mapping[str, Any]

    def benefit_rate(self, benefit_type: str, on: date) -> int | None:
        """The monthly rate (øre) of a benefit type in force on a day, if the card has one."""
        for rate in self.document.get("benefit_rates", []):
            valid_to = date.fromisoformat(rate["valid_to"]) if rate.get("valid_to") else date.max
            if rate["type"] == benefit_type and date.fromisoformat(rate["valid_from"]) <= on < valid_to:
                return int(rate["monthly_amount"])
        return None


def _value(entry: Any) -> Any:
    """Figures are {"value": …, "source": …, "mark": …}; plain values are accepted too."""
    return entry["value"] if isinstance(entry, Mapping) and "value" in entry else entry


def parse_rate_card(document: Mapping[str, Any]) -> RateCard:
    """Read a rate card document (outcomes/rate_cards/*.json)."""
    bands = [
        RefusionBand(int(band["first_week"]), parse_fraction(_value(band["share_percent"])))
        for band in document.get("refusion_bands", [])
    ]
    reset_weeks = int(_value(document.get("refusion_reset_weeks", 52)))
    staircase = RefusionStaircase(bands, reset_weeks) if bands else RefusionStaircase.none()
    return RateCard(
        id=str(document["id"]),
        country=str(document["country"]),
        year=int(document["year"]),
        currency=str(document["currency"]),
        staircase=staircase,
        discount_rate=parse_fraction(_value(document["discount_rate_percent"])) / 100,
        exit_rates={
            group: parse_fraction(_value(entry)) for group, entry in document.get("monthly_exit_rates", {}).items()
        },
        unit_costs={name: int(_value(entry)) for name, entry in document.get("unit_costs", {}).items()},
        document=document,
    )
