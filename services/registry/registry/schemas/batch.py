"""Bulk sync bodies: the examples of the registry's `:batch` endpoints.

The request and result shapes are servicekit's (servicekit.batch), the same in every service.
"""

from __future__ import annotations

from typing import Any

from registry.schemas import citizens, openings


def batch_body_example(item: dict[str, Any]) -> dict[str, Any]:
    """`openapi_extra` for a `:batch` endpoint: its body example holds the collection's own item."""
    return {"requestBody": {"content": {"application/json": {"example": {"items": [item]}}}}}


CITIZENS_BATCH_EXAMPLE = batch_body_example(citizens.EXAMPLE)
OPENINGS_BATCH_EXAMPLE = batch_body_example(openings.EXAMPLE)
