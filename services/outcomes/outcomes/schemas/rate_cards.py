"""Rate cards: benefit rates, refusion staircase, discount rate, unit costs, with sources."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel


class RateCardRead(BaseModel):
    id: str
    country: str
    year: int
    currency: str
    document: dict[str, Any]
