"""Webhooks settings (env prefix WEBHOOKS_)."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from servicekit.feed import FeedFollowerSettings
from servicekit.settings import ServiceSettings


class Settings(ServiceSettings, FeedFollowerSettings):
    model_config = SettingsConfigDict(env_prefix="WEBHOOKS_", extra="ignore")

    service_name: str = "webhooks"
    # The feeds followed; unset: that source is not followed (tests drive the followers directly).
    registry_url: str | None = None
    outcomes_url: str | None = None
    matching_url: str | None = None
    feed_page_size: int = Field(default=500, ge=1, le=1000)
    # Development only: accept http:// URLs to a loopback address (a receiver on this machine).
    allow_loopback_http: bool = False
    # The dispatcher: rows claimed per transaction, sends in flight at once, a receiver's time to answer.
    dispatch_enabled: bool = True
    dispatch_batch_size: int = Field(default=200, ge=1, le=1000)
    dispatch_concurrency: int = Field(default=64, ge=1, le=1000)
    dispatch_idle_seconds: float = 0.5
    delivery_timeout_seconds: float = Field(default=10.0, gt=0, le=60)
    # Retries: exponential from `retry_base_seconds`, capped, then the dead-letter list.
    retry_base_seconds: float = Field(default=5.0, ge=0)
    retry_max_seconds: float = Field(default=3600.0, gt=0)
    max_attempts: int = Field(default=8, ge=1, le=30)
