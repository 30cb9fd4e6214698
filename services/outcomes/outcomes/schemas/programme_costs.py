"""Programme cost lines: recorded costs of a partnership's programme by payer (issue 15 §2)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, JsonValue

PROGRAMME_COST_EXAMPLES: list[JsonValue] = [
    {
        "partnership_id": "8f0c6a52-2b5e-4a7e-9a53-1c1d2b3c4d5e",
        "side": "citizen_course",
        "category": "course_delivery",
        "amount": 2_600_000_000,
        "month": "2024-03",
        "payer": "eu_grant",
        "funder": "European Social Fund",
    }
]


class ProgrammeCostCreate(BaseModel):
    """A cost line; to correct one, send the corrected line with `supersedes` (the line it replaces)."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": PROGRAMME_COST_EXAMPLES})

    partnership_id: uuid.UUID
    side: str = Field(description="citizen_course | company_accelerator")
    category: str = Field(
        description="course_delivery | mentor | job_consultant | administration | accelerator | other"
    )
    amount: Any = Field(description="Integer øre, not negative")
    month: str = Field(description="YYYY-MM, inside the partnership's period")
    payer: str = Field(description="municipality | region | state | eu_grant | foundation | investor | company")
    funder: str | None = Field(default=None, max_length=200, description="Who, e.g. European Social Fund")
    note: str | None = Field(default=None, max_length=2000)
    supersedes: uuid.UUID | None = Field(default=None, description="The line this one corrects")


class ProgrammeCostRead(BaseModel):
    id: uuid.UUID
    municipality: str
    partnership_id: uuid.UUID
    side: str
    category: str
    amount: int
    month: str
    payer: str
    funder: str | None
    note: str | None
    supersedes: uuid.UUID | None
    superseded_by: uuid.UUID | None
    in_force: bool
    recorded_at: datetime
