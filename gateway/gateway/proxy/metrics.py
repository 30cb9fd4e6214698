"""The gateway's own Prometheus metrics: what it answered itself instead of an upstream, and the
state of each upstream's circuit breaker (read at scrape time)."""

from __future__ import annotations

from functools import partial

from prometheus_client import Counter, Gauge

from ..domain.breaker import BreakerState, CircuitBreaker
from .upstreams import Upstream

REFUSALS = Counter(
    "gateway_refusals_total",
    "Requests the gateway answered itself: rate-limited, payload-too-large, circuit-open, "
    "upstream-unavailable, upstream-timeout",
    ["upstream", "reason"],
)
BREAKER_OPEN = Gauge(
    "gateway_breaker_open", "1 while the upstream's circuit breaker is open or half-open", ["upstream"]
)


def watch_breakers(upstreams: dict[str, Upstream]) -> None:
    for name, upstream in upstreams.items():
        BREAKER_OPEN.labels(name).set_function(partial(_is_open, upstream.breaker))


def _is_open(breaker: CircuitBreaker) -> float:
    return float(breaker.state is not BreakerState.CLOSED)
