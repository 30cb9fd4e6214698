"""Resolving national ids to citizen ids for another service (scope internal), without sending them back."""

from __future__ import annotations

from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from servicekit.municipalities import MUNICIPALITY_CODE_PATTERN

MAX_RESOLVE = 10_000


class NationalIdResolve(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"municipality": "DK-0336", "national_ids": ["0101901234"]}]},
    )

    municipality: str = Field(pattern=MUNICIPALITY_CODE_PATTERN)
    national_ids: list[str] = Field(min_length=1, max_length=MAX_RESOLVE)


class ResolvedNationalId(BaseModel):
    index: int = Field(description="Position of the national id in the request (the id itself never comes back).")
    citizen_id: UUID | None = Field(description="The citizen holding it in the municipality; null when none does.")


class NationalIdResolution(BaseModel):
    items: list[ResolvedNationalId]
