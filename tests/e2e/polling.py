"""Waiting for what the services do asynchronously (the change feed, a restart, a commit behind a
proxy): poll a condition, bounded, never a fixed sleep."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any


def wait_until(condition: Callable[[], Any], *, timeout: float, what: str, interval: float = 0.25) -> Any:
    """Poll `condition` until it returns something truthy; that value. TimeoutError names `what`."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(interval)
    raise TimeoutError(f"not within {timeout:.0f} s: {what}")
