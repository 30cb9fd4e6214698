"""Problem responses the matching endpoints document in OpenAPI."""

from __future__ import annotations

from typing import Any

PROBLEM: dict[str, Any] = {"content": {"application/problem+json": {}}}
ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"description": "Missing or invalid bearer token", **PROBLEM},
    403: {"description": "The token lacks the scope", **PROBLEM},
    404: {"description": "Unknown id, or another municipality's", **PROBLEM},
    409: {"description": "The request cannot be served in the current state (e.g. no consent)", **PROBLEM},
    422: {"description": "Invalid parameters", **PROBLEM},
}
