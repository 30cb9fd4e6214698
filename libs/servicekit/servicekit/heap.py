"""Garbage-collector settings for a service once its start-up objects are loaded."""

from __future__ import annotations

import gc

# A 1,000-item batch or feed page allocates some hundred thousand short-lived containers, almost
# all freed with its response. At CPython's default threshold (700 allocations) the young
# generation was collected ~150 times per registry batch: a fifth of its CPU during a sync
# (bench/registry_sync.py). Collections stay as frequent for the older generations.
YOUNG_GENERATION_THRESHOLD = 50_000


def settle_after_startup() -> None:
    """Move what start-up built (a taxonomy, ESCO's ~14k skills, models) out of the collector's
    view, so no collection rescans it, and collect the young generation less often."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(YOUNG_GENERATION_THRESHOLD, *gc.get_threshold()[1:])
