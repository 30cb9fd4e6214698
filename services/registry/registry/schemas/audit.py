"""Audit event response model."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from pydantic import BaseModel


class AuditEventRead(BaseModel):
    id: int
    citizen_id: UUID
    municipality: str
    actor: str
    action: str
    purpose: str | None
    request_id: str | None
    occurred_at: datetime
