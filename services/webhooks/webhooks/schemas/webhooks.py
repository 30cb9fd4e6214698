"""Webhook subscriptions and their deliveries, as the API reads and writes them."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field
from pydantic.config import JsonDict

from servicekit.municipalities import MUNICIPALITY_CODE_PATTERN
from webhooks.domain.event_types import EVENT_TYPES

EventType = Literal["citizen.enrolled", "milestone.reached", "statement.approved", "ranking_run.finished"]
WebhookStatus = Literal["active", "disabled"]
DeliveryStatus = Literal["pending", "delivered", "failed"]
assert set(EventType.__args__) == set(EVENT_TYPES)  # type: ignore[attr-defined]  # one list, spelled twice

EXAMPLE_ID = "5b0f3c1e-7a4d-4c2b-9f1e-2d3c4b5a6978"
WEBHOOK_EXAMPLE: JsonDict = {
    "id": EXAMPLE_ID,
    "municipality": "DK-0336",
    "url": "https://jobcenter.stevns.dk/hooks/brobygger",
    "events": ["citizen.enrolled", "statement.approved"],
    "description": "Caseworker system",
    "status": "active",
    "created_at": "2026-12-07T10:00:00Z",
    "secret_rotated_at": None,
    "disabled_at": None,
}


class WebhookCreate(BaseModel):
    """Where to send which events; the answer holds the signing secret, shown this once."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "url": "https://jobcenter.stevns.dk/hooks/brobygger",
                    "events": ["citizen.enrolled", "statement.approved"],
                    "description": "Caseworker system",
                }
            ]
        },
    )

    url: str = Field(max_length=2000, description="https (http only to a loopback address in development)")
    events: list[EventType] = Field(min_length=1, max_length=len(EVENT_TYPES))
    description: str | None = Field(default=None, max_length=500)
    municipality: str | None = Field(
        default=None, pattern=MUNICIPALITY_CODE_PATTERN, description="Only for national clients: whose subscription"
    )


class WebhookRead(BaseModel):
    """A subscription (never its secret)."""

    model_config = ConfigDict(json_schema_extra={"examples": [WEBHOOK_EXAMPLE]})

    id: uuid.UUID
    municipality: str
    url: str
    events: list[EventType]
    description: str | None
    status: WebhookStatus
    created_at: datetime
    secret_rotated_at: datetime | None = None
    disabled_at: datetime | None = None


class WebhookCreated(WebhookRead):
    """A new subscription with its secret: keep it, it is not shown again (rotate to get a new one)."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    **WEBHOOK_EXAMPLE,
                    "secret": "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
                }
            ]
        }
    )

    secret: str = Field(description="Standard Webhooks secret, `whsec_<base64>`")


class WebhookSecret(BaseModel):
    """A new signing secret; deliveries are signed with it from now on."""

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"id": EXAMPLE_ID, "secret": "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"}]}
    )

    id: uuid.UUID
    secret: str


class WebhookPage(BaseModel):
    """One page of subscriptions; pass `next_cursor` back as `cursor` (null: no more)."""

    items: list[WebhookRead]
    next_cursor: str | None = None


class DeliveryRead(BaseModel):
    """One event sent (or to be sent) to one subscription: `failed` ones are the dead-letter list."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "0d9c8b7a-6f5e-4d3c-2b1a-098765432109",
                    "webhook_id": EXAMPLE_ID,
                    "event_type": "statement.approved",
                    "status": "failed",
                    "attempts": 8,
                    "next_attempt_at": "2026-12-07T10:10:00Z",
                    "last_status_code": 503,
                    "last_error": None,
                    "created_at": "2026-12-07T10:00:00Z",
                    "delivered_at": None,
                }
            ]
        }
    )

    id: uuid.UUID = Field(description="Also the `webhook-id` header: the same on every attempt and replay")
    webhook_id: uuid.UUID
    event_type: EventType
    status: DeliveryStatus
    attempts: int
    next_attempt_at: datetime
    last_status_code: int | None = None
    last_error: str | None = None
    created_at: datetime
    delivered_at: datetime | None = None


class DeliveryPage(BaseModel):
    """One page of deliveries, newest first."""

    items: list[DeliveryRead]
    next_cursor: str | None = None
