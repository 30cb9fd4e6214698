"""Outcomes settings (env prefix OUTCOMES_)."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from servicekit.access_outbox import AccessLogSettings
from servicekit.feed import FeedFollowerSettings
from servicekit.settings import ServiceSettings

# Package data (outcomes/rate_cards), so an installed service (a container image) finds the cards.
RATE_CARDS = Path(str(resources.files("outcomes") / "rate_cards"))


class Settings(ServiceSettings, AccessLogSettings, FeedFollowerSettings):
    """Reads of personal data reach the registry's access log through the outbox (AccessLogSettings)."""

    model_config = SettingsConfigDict(env_prefix="OUTCOMES_", extra="ignore")

    service_name: str = "outcomes"
    # The registry's change feed (citizen projection); unset: no consumer runs (tests drive it directly).
    registry_url: str | None = None
    feed_poll_seconds: float = Field(default=2.0, gt=0)
    # /readyz: not ready before the first successful poll, nor while further behind than this.
    feed_max_lag: int = Field(default=10_000, ge=0)
    rate_cards_dir: Path = RATE_CARDS
    # Settlement lines and evaluations use the rate card of the contract; evaluations without a
    # contract use this card per country.
    default_rate_cards: dict[str, str] = {"DK": "DK-2025", "SE": "SE-2025"}
    simulation_max_runs: int = 20_000
    simulation_max_citizens: int = 5_000
