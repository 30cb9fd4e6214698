"""Content hashes let a bulk upsert tell `unchanged` from `updated` without reading rows first."""

from __future__ import annotations

import hashlib
import json
from typing import Any


def content_hash(fields: dict[str, Any]) -> str:
    # Field order is fixed by the schema, so no key sorting is needed.
    canonical = json.dumps(fields, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()
