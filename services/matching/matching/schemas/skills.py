"""GET /v1/skills: the skill vocabulary's labels."""

from __future__ import annotations

from pydantic import BaseModel


class SkillRead(BaseModel):
    code: str
    label: str
    transversal: bool


class SkillPage(BaseModel):
    items: list[SkillRead]
    next_cursor: str | None = None
