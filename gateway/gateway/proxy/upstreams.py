"""The services behind the gateway: base URL and circuit breaker of each."""

from __future__ import annotations

from dataclasses import dataclass

from ..domain.breaker import CircuitBreaker
from ..domain.routes import UPSTREAMS
from ..settings import Settings


@dataclass
class Upstream:
    name: str
    base_url: str
    breaker: CircuitBreaker


def upstreams_from(settings: Settings) -> dict[str, Upstream]:
    urls = {
        "registry": settings.registry_url,
        "matching": settings.matching_url,
        "outcomes": settings.outcomes_url,
        "webhooks": settings.webhooks_url,
    }
    return {
        name: Upstream(
            name,
            urls[name].rstrip("/"),
            CircuitBreaker(settings.breaker_failure_threshold, settings.breaker_reset_seconds),
        )
        for name in UPSTREAMS
    }
