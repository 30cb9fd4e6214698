"""When a failed delivery is tried again: exponential backoff with a cap, then the dead-letter list.

With the defaults (5 s base, 8 attempts) a receiver that is down is tried after 5 s, 10 s, 20 s,
40 s, 80 s, 160 s and 320 s: about ten minutes in all before the delivery is marked failed, where
a client can list it and replay it once the receiver is back.
"""

from __future__ import annotations

import random
from dataclasses import dataclass


@dataclass(frozen=True)
class RetryPolicy:
    base_seconds: float = 5.0
    max_seconds: float = 3600.0
    max_attempts: int = 8
    # A spread of ±jitter around each delay, so receivers that recover together are not hit together.
    jitter: float = 0.1

    def delay(self, attempts: int, *, rng: random.Random | None = None) -> float:
        """Seconds to wait after the `attempts`-th failed attempt (1, 2, ...)."""
        raw = float(min(self.max_seconds, self.base_seconds * 2 ** (attempts - 1)))
        if not self.jitter:
            return raw
        spread: float = (rng or random).uniform(-self.jitter, self.jitter)
        return max(0.0, raw * (1.0 + spread))

    def exhausted(self, attempts: int) -> bool:
        """True once `attempts` failed attempts mean the delivery goes to the dead-letter list."""
        return attempts >= self.max_attempts

    def schedule(self) -> list[float]:
        """The delays without jitter, one per retry (documentation and tests)."""
        return [min(self.max_seconds, self.base_seconds * 2 ** (n - 1)) for n in range(1, self.max_attempts)]
