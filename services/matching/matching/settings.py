"""Matching settings (env prefix MATCHING_; ESCO_DIR also read without the prefix)."""

from __future__ import annotations

from pathlib import Path

from pydantic import AliasChoices, Field
from pydantic_settings import SettingsConfigDict

from servicekit.access_outbox import AccessLogSettings
from servicekit.feed import FeedWaitSettings
from servicekit.settings import ServiceSettings


class Settings(ServiceSettings, AccessLogSettings, FeedWaitSettings):
    """Access-log entries go to the registry in batches from the outbox (AccessLogSettings: batch, pause,
    whether it runs, and when a failing entry is given up)."""

    model_config = SettingsConfigDict(env_prefix="MATCHING_", extra="ignore")

    service_name: str = "matching"
    registry_url: str = "http://127.0.0.1:8001"
    outcomes_url: str = "http://127.0.0.1:8003"
    # Folder with the two official ESCO zips; unset: the starter vocabulary shipped with the taxonomy package.
    esco_dir: Path | None = Field(default=None, validation_alias=AliasChoices("MATCHING_ESCO_DIR", "ESCO_DIR"))
    # The change-feed consumer: page size, pause when caught up, and whether it runs at all.
    feed_page_size: int = Field(default=1000, ge=1, le=1000)
    feed_poll_seconds: float = Field(default=1.0, gt=0)
    feed_enabled: bool = True
    # The national run's commuting regions: a CSV of `municipality,region` (the official commuting
    # areas / local labour markets); unset or for municipalities it does not list, the approximation.
    commuting_regions_file: Path | None = None
    # Readiness fails when the feed is further behind than this many changes.
    feed_max_lag: int = 10_000
    # How long recommendation lists served and caseworker decisions are kept, counted from when
    # they were served or taken: 5 years, the registry's default `retention_years`. Deleted by
    # `python -m matching.cli retention` (schedule it beside the registry's retention job).
    record_retention_days: int = Field(default=1826, ge=1)
