"""The change feed's page, as matching and outcomes read it."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel

# What the feed carries changes of; a follower may ask for some only (`?entity=enrolment`).
FeedEntity = Literal["municipality", "organisation", "partnership", "opening", "citizen", "enrolment"]


class Change(BaseModel):
    seq: int
    entity: str
    entity_id: str
    op: str
    municipality: str | None
    occurred_at: str
    data: dict[str, Any] | None


class ChangePage(BaseModel):
    items: list[Change]
    next_cursor: str
    head: int
