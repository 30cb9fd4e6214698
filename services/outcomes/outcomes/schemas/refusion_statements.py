"""The state's refusion statement (Ydelsesrefusion) and its reconciliation report."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal

from pydantic import BaseModel, Field


class ReconciledLineRead(BaseModel):
    line: int = Field(description="Line number in the file (the header is line 1)")
    citizen_id: uuid.UUID | None = Field(description="Pseudonymous id; null when the registry does not know the person")
    week: str = Field(description="ISO week, YYYY-Www")
    benefit: str
    state_share_percent: Decimal
    computed_share_percent: Decimal | None
    state_refund: int
    computed_refund: int | None
    difference: int | None = Field(description="State - computed, øre")
    status: str = Field(description="match | share_differs | amount_differs | unknown_citizen | no_history")


class RefusionStatementRead(BaseModel):
    id: uuid.UUID
    municipality: str
    rate_card_id: str
    lines: int
    summary: dict[str, int]
    differences: list[ReconciledLineRead] = Field(description="Lines that do not match (up to 1,000), in file order")
    imported_at: datetime
