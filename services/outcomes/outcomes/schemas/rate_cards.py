"""Rate cards: benefit rates, refusion staircase, discount rate, unit costs, with sources."""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from servicekit.municipalities import COUNTRY_PATTERN


class RateCardRead(BaseModel):
    id: str
    country: str
    year: int
    currency: str
    document: dict[str, Any]


class RateCardCreate(BaseModel):
    """A new card for a validity period; the rest of the document (rates, refusion_bands, payers,
    min_comparisons, …) as in outcomes/rate_cards, each figure with its source and mark."""

    model_config = ConfigDict(
        extra="allow",
        json_schema_extra={
            "examples": [
                {
                    "id": "DK-2027",
                    "country": "DK",
                    "year": 2027,
                    "currency": "DKK",
                    "valid_from": "2027-01-01",
                    "valid_to": "2028-01-01",
                    "discount_rate_percent": {"value": "3.5", "source": "Finansministeriet 2021", "mark": "verified"},
                    "refusion_bands": [{"first_week": 1, "share_percent": {"value": "80", "mark": "unverified"}}],
                    "min_comparisons": {"value": 5, "source": "ECONOMICS.md §7", "mark": "assumption"},
                }
            ]
        },
    )

    id: str = Field(pattern=r"^(DK|SE)-[A-Za-z0-9-]{1,40}$")
    country: str = Field(pattern=COUNTRY_PATTERN)
    year: int = Field(ge=2000, le=2100)
    currency: str = Field(pattern="^(DKK|SEK)$")
    valid_from: date
    valid_to: date | None = None
    discount_rate_percent: Any
