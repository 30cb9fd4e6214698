"""Placement outcomes for matching (internal)."""

from __future__ import annotations

import uuid
from datetime import date

from pydantic import BaseModel


class PlacementOutcome(BaseModel):
    citizen_id: uuid.UUID
    opening_id: str | None
    organisation_id: str
    municipality: str
    started_on: date
    ended_on: date | None
    lasted_3_months: bool | None


class PlacementOutcomePage(BaseModel):
    items: list[PlacementOutcome]
    next_cursor: str | None
