"""Matching settings (env prefix MATCHING_; ESCO_DIR also read without the prefix)."""

from __future__ import annotations

from pathlib import Path

from pydantic import AliasChoices, Field
from pydantic_settings import SettingsConfigDict

from servicekit.access_outbox import AccessLogSettings
from servicekit.feed import FeedFollowerSettings
from servicekit.settings import ServiceSettings


class Settings(ServiceSettings, AccessLogSettings, FeedFollowerSettings):
    """Access-log entries go to the registry in batches from the outbox (AccessLogSettings: batch, pause,
    whether it runs, and when a failing entry is given up)."""

    model_config = SettingsConfigDict(env_prefix="MATCHING_", extra="ignore")

    service_name: str = "matching"
    registry_url: str = "http://127.0.0.1:8001"
    outcomes_url: str = "http://127.0.0.1:8003"
    # Folder with the two official ESCO zips; unset: the starter vocabulary shipped with the taxonomy package.
    esco_dir: Path | None = Field(default=None, validation_alias=AliasChoices("MATCHING_ESCO_DIR", "ESCO_DIR"))
    # Whether the change-feed consumer runs (its pace: FeedFollowerSettings). Off, /readyz waits for
    # whoever steps it instead (the tests).
    feed_enabled: bool = True
    # The national run's commuting regions: a CSV of `municipality,region` (the official commuting
    # areas / local labour markets); unset or for municipalities it does not list, the approximation.
    commuting_regions_file: Path | None = None
    # /readyz: not ready before the first successful poll, nor while further behind than this.
    feed_max_lag: int = Field(default=10_000, ge=0)
    # How long recommendation lists served and caseworker decisions are kept, counted from when
    # they were served or taken: 5 years, the registry's default `retention_years`. Deleted by
    # `python -m matching.cli retention` (schedule it beside the registry's retention job).
    record_retention_days: int = Field(default=1826, ge=1)
