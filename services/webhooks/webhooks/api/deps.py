"""Annotated dependency aliases so endpoints stay a few lines."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends

from servicekit.auth import Principal, require_scope
from servicekit.db import SessionDep
from servicekit.idempotency import IdempotencyDep
from servicekit.pagination import CursorCodecDep, PageParamsDep
from servicekit.state import state_dependency
from webhooks.settings import Settings

WebhooksManager = Annotated[Principal, require_scope("webhooks:manage")]
SettingsDep = Annotated[Settings, Depends(state_dependency("settings"))]
ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"description": "Missing or invalid token"},
    403: {"description": "Token lacks the scope"},
    404: {"description": "Not found (or another municipality's)"},
    422: {"description": "Invalid input; `errors` names each field"},
}

__all__ = [
    "ERRORS",
    "CursorCodecDep",
    "IdempotencyDep",
    "PageParamsDep",
    "SessionDep",
    "SettingsDep",
    "WebhooksManager",
]
