"""A citizen's access log, and the entries other services report to it."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from registry.domain.access_log import AccessKind

MAX_ENTRIES = 1000


class Accessor(BaseModel):
    client: str = Field(description="The API client (the system's own processes by pseudonym)")
    municipality: str | None = Field(description="The client's municipality ('*' for a national role)")


class AccessLogEntry(BaseModel):
    occurred_at: datetime
    who: Accessor
    what: str = Field(description="read, export, change, erasure, consent, recommendation, decision, feed")
    service: str
    purpose: str | None
    request_id: str | None


class AccessReport(BaseModel):
    """One access to a citizen's data in another service (matching, outcomes)."""

    model_config = ConfigDict(extra="forbid")

    citizen_id: UUID
    service: str = Field(pattern=r"^[a-z][a-z0-9_-]{1,39}$", examples=["matching"])
    client: str = Field(min_length=1, max_length=200, description="The client that caused the access")
    client_municipality: str | None = Field(default=None, max_length=20)
    system: bool = Field(default=False, description="The service's own process (e.g. feed consumption)")
    what: AccessKind
    purpose: str | None = Field(default=None, max_length=200)
    request_id: str | None = Field(default=None, max_length=200)
    occurred_at: datetime


class AccessReports(BaseModel):
    model_config = ConfigDict(extra="forbid")

    entries: list[AccessReport] = Field(min_length=1, max_length=MAX_ENTRIES)


class AccessReportReceipt(BaseModel):
    recorded: int
    unknown_citizens: list[UUID] = Field(description="Ids the registry does not hold: their entries were not recorded")
